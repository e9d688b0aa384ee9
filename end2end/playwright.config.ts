import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// The suite runs against a release build started here with a fresh SQLite file and the
// demo data. scripts/test.sh sets AQUEDUCT_SERVER_BIN and AQUEDUCT_SITE_ROOT.
const port = Number(process.env.AQUEDUCT_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
export const serverBin = process.env.AQUEDUCT_SERVER_BIN ?? path.resolve(__dirname, '../target/release/server');
const siteRoot = process.env.AQUEDUCT_SITE_ROOT ?? path.resolve(__dirname, '../target/site');
// Set once by the runner and inherited by its workers, so a spec's `server` commands (the
// back office's `server staff add`) reach the database the web server uses.
const dbFile = (process.env.AQUEDUCT_E2E_DB ??= path.join(os.tmpdir(), `aqueduct-e2e-${process.pid}.db`));

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The server's environment: the web server's, and a spec's `server` commands'. */
export const serverEnv: Record<string, string> = {
  LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
  LEPTOS_SITE_ROOT: siteRoot,
  LEPTOS_SITE_PKG_DIR: 'pkg',
  LEPTOS_OUTPUT_NAME: 'aqueduct',
  LEPTOS_ENV: 'PROD',
  DATABASE_URL: `sqlite://${dbFile}?mode=rwc`,
  // Development mode: the demo data, the sandbox gateway and the demo payment key.
  AQUEDUCT_DEV_MODE: 'true',
  AQUEDUCT_DEMO_DATA: 'true',
  AQUEDUCT_TEXTS__SENDER: 'outbox',
  // Every journey registers, enters cards and uses Quick Pay from this one address; the
  // limits themselves are tested in Rust.
  AQUEDUCT_LIMITS__REGISTRATIONS_PER_ADDRESS: '1000',
  AQUEDUCT_LIMITS__NEW_CARDS_PER_ADDRESS_HOUR: '1000',
  AQUEDUCT_LIMITS__NEW_CARDS_PER_ADDRESS_DAY: '1000',
  AQUEDUCT_LIMITS__QUICK_PAY_PER_ADDRESS_DAY: '1000',
  RUST_LOG: 'warn',
  AQUEDUCT_PUBLIC_BASE_URL: baseURL,
  // Emails go to the test SMTP server that scripts/test.sh starts (maildev).
  AQUEDUCT_SMTP__HOST: '127.0.0.1',
  AQUEDUCT_SMTP__PORT: process.env.TEST_SMTP_PORT ?? '1025',
  AQUEDUCT_SMTP__SECURITY: 'none',
  AQUEDUCT_SMTP__FROM: 'portal@example.org',
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
  // A fresh database with the demo data, plus the accounts the journeys register.
    command: `rm -f ${dbFile}* && "${serverBin}" import accounts fixtures/accounts.csv && "${serverBin}" import bills fixtures/bills.csv && "${serverBin}" import bill-documents fixtures/bill-documents.csv && "${serverBin}"`,
    url: `${baseURL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: serverEnv,
  },
});
