-- The utility's PDF of a bill, loaded by `server import bill-documents MANIFEST.csv`.
-- At most one per bill: importing a different file for the same bill replaces it (the
-- utility reissued it); the same file again changes nothing (compared by its SHA-256).
-- A bill without a row here is shown as the printable HTML bill built from its data.
CREATE TABLE bill_documents (
    bill_id     BIGINT  PRIMARY KEY REFERENCES bills(id),
    pdf         BYTEA   NOT NULL,
    sha256      TEXT    NOT NULL,   -- hex, of pdf
    size_bytes  BIGINT  NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
