-- The back office's search by words (issue 18): the first page of a common surname or a
-- long street without reading and sorting every match. Each branch of such a search asks
-- for its first (offset + limit) accounts in the page's order (the customer's folded name,
-- the customer, the account number); these let the planner walk the customers in that
-- order and stop. SQLite's search reads its FTS5 tables and needs nothing here.

-- Customers in the page's order; a LIKE on the name is checked on the index entry itself.
CREATE INDEX customers_name_order ON customers (name_folded, id);
-- The folded name of a customer found by address, without reading the table.
CREATE INDEX customers_id_name ON customers (id) INCLUDE (name_folded);
-- A customer's accounts with what the search needs of them (replaces accounts_customer,
-- whose key it starts with).
CREATE INDEX accounts_customer_search ON accounts (customer_id)
    INCLUDE (id, account_number, service_address_folded);
DROP INDEX accounts_customer;

-- LIKE '% word%' is estimated by trying the pattern on the column's histogram: with 100
-- entries a surname of 6,000 customers reads as 100, and the planner picks the wrong plan.
ALTER TABLE customers ALTER COLUMN name_folded SET STATISTICS 1000;
ALTER TABLE accounts ALTER COLUMN service_address_folded SET STATISTICS 1000;

-- A parallel walk of customers in name order runs far past the 21 rows a page needs
-- (800 ms instead of 22 ms for "Main Street" at a million accounts); elsewhere the
-- customers table is read by key.
ALTER TABLE customers SET (parallel_workers = 0);

ANALYZE customers;
ANALYZE accounts;
