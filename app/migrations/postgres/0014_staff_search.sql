-- The back office (issue 18): finding a customer by name or service address in a million
-- accounts, and what the customer's page shows of a login. Keep sqlite/0014 in step.

-- Names and service addresses folded for searching: lower case, without accents, street
-- types abbreviated, a space around every word (`domain::staff_search::Folded`). Folded in
-- Rust, as on SQLite (which cannot take accents off), so that both databases fold alike:
-- every write of a name or a service address writes its folded column with it
-- (`import::write_accounts`), and the rows without one (those before this migration, or
-- written by anything that does not fold) are folded when the portal starts, right after
-- the migrations (`platform::db::Db::migrate`). NULL means "not folded yet".
ALTER TABLE customers ADD COLUMN name_folded TEXT;
ALTER TABLE accounts ADD COLUMN service_address_folded TEXT;
CREATE INDEX customers_unfolded ON customers(id) WHERE name_folded IS NULL;
CREATE INDEX accounts_unfolded ON accounts(id) WHERE service_address_folded IS NULL;

-- A word typed is the start of a word (" lop" in " maria lopez "): a LIKE '% lop%' that
-- no B-tree can answer. pg_trgm's GIN index answers it (SQLite's FTS5 trigram index does
-- there).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_name_trgm ON customers USING gin (name_folded gin_trgm_ops);
CREATE INDEX accounts_address_trgm ON accounts USING gin (service_address_folded gin_trgm_ops);

-- An email address is looked up as a login's (already unique, so indexed) or as where an
-- account's bills go; and the customer's page lists the emails sent to their addresses.
CREATE INDEX accounts_delivery_email ON accounts(delivery_email);
CREATE INDEX emails_to ON emails(to_address, id);

-- When the login last signed in (Unix seconds; NULL: not since this column exists).
ALTER TABLE logins ADD COLUMN last_sign_in_at BIGINT;
