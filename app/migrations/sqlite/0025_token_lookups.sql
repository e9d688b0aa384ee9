-- Single-use tokens are looked up by account (the pending paperless address Bill Settings
-- shows) and spent by login (a new reset link voids the old ones): neither may read the
-- whole table, which keeps every token ever sent.
CREATE INDEX one_time_tokens_by_account ON one_time_tokens(account_id, purpose);
CREATE INDEX one_time_tokens_by_login ON one_time_tokens(login_id, purpose);
