-- A bank account returned as not authorized (R05, R07, R10, R11, R29, R51) is usable again
-- once its holder authorizes it again in the portal (issue 17, part D). Each such
-- authorization is kept with its text, as Nacha asks of every authorization, once per form:
-- the form's key is unique, so a double click or a form sent again authorizes once.
CREATE TABLE method_authorizations (
    id                 INTEGER PRIMARY KEY,
    form_key           TEXT    NOT NULL UNIQUE,
    customer_id        BIGINT  NOT NULL REFERENCES customers(id),
    payment_method_id  BIGINT  NOT NULL REFERENCES payment_methods(id),
    -- The return it answers.
    return_code        TEXT    NOT NULL,
    authorization_text TEXT    NOT NULL,
    channel            TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX method_authorizations_method ON method_authorizations(payment_method_id);
