//! One integration-test binary: each test starts the app on port 0 with a fresh database.
//! SQLite by default; PostgreSQL when TEST_DATABASE_URL names a postgres:// server (each
//! test then creates and drops its own database there).

mod alert_choices;
mod alerts;
mod autopay;
mod backoffice;
mod backup;
mod banking;
mod bills;
mod crash;
mod dashboard;
mod delivery;
mod export;
mod formats;
mod helpers;
mod history;
mod hostile;
mod import;
mod instances;
mod limits;
mod password_reset;
mod pay;
mod quick_pay;
mod reads;
mod registration;
mod returned;
mod returns;
mod shell;
mod staff;
mod staff_actions;
mod staff_desk;
mod staff_imports;
mod usage;
mod wallet;
