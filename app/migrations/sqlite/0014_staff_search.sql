-- The back office (issue 18): finding a customer by name or service address in a million
-- accounts, and what the customer's page shows of a login. Keep postgres/0014 in step.

-- Names and service addresses folded for searching: lower case, without accents, street
-- types abbreviated, a space around every word (`domain::staff_search::Folded`). SQLite has
-- no way to take accents off, so they are folded in Rust, by the one function, everywhere:
-- every write of a name or a service address writes its folded column with it
-- (`import::write_accounts`), and the rows without one (those before this migration, or
-- written by anything that does not fold) are folded when the portal starts, right after
-- the migrations (`platform::db::Db::migrate`). NULL means "not folded yet".
ALTER TABLE customers ADD COLUMN name_folded TEXT;
ALTER TABLE accounts ADD COLUMN service_address_folded TEXT;
CREATE INDEX customers_unfolded ON customers(id) WHERE name_folded IS NULL;
CREATE INDEX accounts_unfolded ON accounts(id) WHERE service_address_folded IS NULL;

-- A word typed is the start of a word (" lop" in " maria lopez "): a LIKE '% lop%' that
-- no B-tree can answer. FTS5's trigram index answers it (PostgreSQL's pg_trgm does there):
-- one index per folded column, its content read from the table itself, kept in step by
-- these triggers; `rebuild` enters the rows already there (not folded yet: empty).
CREATE VIRTUAL TABLE customers_search USING fts5(
    name_folded, content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name_folded)
        VALUES ('delete', old.id, old.name_folded);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name_folded ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name_folded)
        VALUES ('delete', old.id, old.name_folded);
    INSERT INTO customers_search (rowid, name_folded) VALUES (new.id, new.name_folded);
END;
INSERT INTO customers_search (customers_search) VALUES ('rebuild');

CREATE VIRTUAL TABLE accounts_search USING fts5(
    service_address_folded, content = 'accounts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_search (rowid, service_address_folded)
        VALUES (new.id, new.service_address_folded);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, service_address_folded)
        VALUES ('delete', old.id, old.service_address_folded);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF service_address_folded ON accounts BEGIN
    INSERT INTO accounts_search (accounts_search, rowid, service_address_folded)
        VALUES ('delete', old.id, old.service_address_folded);
    INSERT INTO accounts_search (rowid, service_address_folded)
        VALUES (new.id, new.service_address_folded);
END;
INSERT INTO accounts_search (accounts_search) VALUES ('rebuild');

-- An email address is looked up as a login's (already unique, so indexed) or as where an
-- account's bills go; and the customer's page lists the emails sent to their addresses.
CREATE INDEX accounts_delivery_email ON accounts(delivery_email);
CREATE INDEX emails_to ON emails(to_address, id);

-- When the login last signed in (Unix seconds; NULL: not since this column exists).
ALTER TABLE logins ADD COLUMN last_sign_in_at BIGINT;
