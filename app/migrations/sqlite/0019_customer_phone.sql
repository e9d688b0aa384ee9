-- The customer's phone number, when the utility's accounts file gives it (its optional
-- `phone` column): the ten digits, so that the back office finds a caller by it however
-- it is read out.
ALTER TABLE customers ADD COLUMN phone TEXT;
CREATE INDEX customers_phone ON customers (phone);
