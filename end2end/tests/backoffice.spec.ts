import { test, expect, Page, Browser } from '@playwright/test';
import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import { expectNoAxeViolations, hydrated, linkIn, mailTo, registerAndSignIn } from './helpers';
import { labels } from './labels';
import { serverBin, serverEnv } from '../playwright.config';

const PASSWORD = 'quiet reservoir at noon';

/** RFC 4648 base32, as the enrollment page shows the secret. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The code an authenticator app shows (RFC 6238: SHA-1, 30 s, 6 digits), `ahead` steps on. */
function totp(secret: string, ahead = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + ahead));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return n.toString().padStart(6, '0');
}

/** `server staff add`, as the utility's IT staff run it: the enrollment link it prints. */
function addStaff(email: string, role: 'agent' | 'admin'): string {
  const out = execFileSync(serverBin, ['staff', 'add', email, '--role', role], { env: { ...process.env, ...serverEnv } }).toString();
  const link = out.split(/\s+/).find((w) => w.includes('/staff/enroll?token='));
  expect(link, out).toBeTruthy();
  return link!;
}

/** Follows the link: password and the authenticator's first code; then signs in. With
 * `axe`, the enrollment and sign-in pages are checked on the way. */
async function enrollAndSignIn(page: Page, link: string, email: string, axe = false) {
  await page.goto(link);
  if (axe) {
    await hydrated(page);
    await expectNoAxeViolations(page, 'staff enrollment');
  }
  const secret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirm Password').fill(PASSWORD);
  await page.getByLabel('6-digit code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Finish Setup' }).click();
  await expect(page.locator('li code')).toHaveCount(10);
  await page.goto('/staff/sign-in');
  if (axe) {
    await hydrated(page);
    await expectNoAxeViolations(page, 'staff sign-in');
  }
  await page.getByLabel('Work Email Address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Code from your authenticator app (or a recovery code)').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Sign In' }).click();
  await expect(page).toHaveURL(/\/staff$/);
}

async function newPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  return context.newPage();
}

/** Opens an action's disclosure on the customer's page, gives the reason and acts. */
async function act(page: Page, details: string, reason: string) {
  const action = page.locator(details);
  await action.locator('summary').click();
  await action.getByRole('textbox').fill(reason);
  await action.getByRole('button').click();
  await expect(page.locator('p[role=status]')).toContainText('Done:');
}

test('an agent finds a caller by the numbers read out, unlocks them and resends the verification', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const customer = await newPage(browser, baseURL);
  const login = `caller-${Date.now()}@example.com`;
  await registerAndSignIn(customer, 'en', '61000070-6100070', login);
  const bills = `caller-bills-${Date.now()}@example.com`;
  await customer.goto('/billing/settings/delivery');
  const w = labels.en;
  await customer.getByLabel(w.emailChoice, { exact: true }).check();
  await customer.getByLabel(w.deliveryEmail, { exact: true }).fill(bills);
  await customer.getByRole('button', { name: w.sendVerification }).click();
  await mailTo(bills, 1);
  for (let i = 0; i < 10; i++) {
    await customer.request.post('/api/sign_in', { form: { email: login, password: 'not the password at all' } });
  }

  const agent = await newPage(browser, baseURL);
  const email = `agent-${Date.now()}@utility.example`;
  await enrollAndSignIn(agent, addStaff(email, 'agent'), email, true);
  await agent.getByLabel('Find a customer').fill('6100 0070 – 610 0070');
  await agent.getByRole('button', { name: 'Search' }).click();
  await hydrated(agent);
  await expectNoAxeViolations(agent, 'back office search results');
  await agent.getByRole('link', { name: 'Call Centre Caller' }).click();
  await expect(agent.getByText('Locked by failed sign-ins until')).toBeVisible();
  await hydrated(agent);
  await expectNoAxeViolations(agent, "the customer's page");

  // A second tab opened before the unlock still offers it: pressed there, nothing is done.
  const stale = await agent.context().newPage();
  await stale.goto(agent.url());
  await act(agent, 'details#unlock-sign-in-login', 'Caller verified; asked to be unlocked');
  await expect(agent.getByText('Not locked')).toBeVisible();
  const again = stale.locator('details#unlock-sign-in-login');
  await again.locator('summary').click();
  await again.getByRole('textbox').fill('Pressed in another tab');
  await again.getByRole('button').click();
  await expect(stale.locator('div.error-summary[role=alert]')).toContainText('Not done:');
  await expect(stale.locator('div.error-summary[role=alert]')).toContainText('not locked');
  await hydrated(stale);
  await expectNoAxeViolations(stale, 'an action not done');
  await stale.close();
  await act(agent, 'details[id^="resend-verification-"]', 'Caller did not get the email');
  const sent = await mailTo(bills, 2);
  linkIn(sent[sent.length - 1], `${baseURL}/billing/verify-email?token=`);

  // An admin's page tells an agent it is not for them.
  await agent.goto('/staff/imports');
  await expect(agent.getByRole('button', { name: 'Upload and import' })).toHaveCount(0);
  await hydrated(agent);
  await expectNoAxeViolations(agent, 'an admin page, to an agent');
});

test('an admin enrolls an agent, imports a bills file after fixing it and reads the audit log', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await newPage(browser, baseURL);
  const adminEmail = `admin-${Date.now()}@utility.example`;
  await enrollAndSignIn(admin, addStaff(adminEmail, 'admin'), adminEmail);
  await hydrated(admin);
  await expectNoAxeViolations(admin, 'the back office dashboard');

  const agentEmail = `new-agent-${Date.now()}@utility.example`;
  const agent = await newPage(browser, baseURL);
  await enrollAndSignIn(agent, addStaff(agentEmail, 'agent'), agentEmail);

  const header = 'account_number,bill_date,due_date,amount,balance,usage_gallons\n';
  const upload = async (name: string, rows: string) => {
    await admin.goto('/staff/imports');
    await admin.getByLabel('Bills (CSV)').check();
    await admin.getByLabel('File', { exact: true }).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(header + rows) });
    await admin.getByRole('button', { name: 'Upload and import' }).click();
  };
  await upload('bills-wrong.csv', '6100070,2027-01-01,2027-01-31,12.34,12.34,1000\n6100070,2027-02-01,2027-02-28,twelve,0,1000\n');
  await expect(admin.locator('section[role=alert]')).toContainText('Line 3');
  await hydrated(admin);
  await expectNoAxeViolations(admin, 'imports, a refused file');
  // With the islands running, the file goes with a progress bar, and the page that says
  // how it went opens as before.
  await admin.goto('/staff/imports');
  await hydrated(admin);
  await admin.getByLabel('Bills (CSV)').check();
  await admin.getByLabel('File', { exact: true }).setInputFiles({ name: 'bills-right.csv', mimeType: 'text/csv', buffer: Buffer.from(header + '6100070,2027-01-01,2027-01-31,12.34,12.34,1000\n') });
  const sentByScript = admin.waitForRequest((r) => r.url().endsWith('/staff/imports/upload') && r.resourceType() === 'xhr');
  await admin.getByRole('button', { name: 'Upload and import' }).click();
  await sentByScript;
  await expect(admin.locator('section[role=status]')).toContainText('Imported.');
  await expect(admin).toHaveURL(/\/staff\/imports\?id=\d+$/);

  await admin.goto('/staff/imports?problem=no-file');
  await expect(admin.locator('p[role=alert]')).toContainText('Choose a file to upload.');
  await hydrated(admin);
  await expectNoAxeViolations(admin, 'imports, an upload without a file');

  await admin.getByRole('link', { name: 'Audit log' }).click();
  await expect(admin.getByRole('heading', { name: 'Audit Log' })).toBeVisible();
  await expect(admin.getByRole('cell', { name: agentEmail }).first()).toBeVisible();
  await expect(admin.getByRole('cell', { name: 'Imported a file' })).toHaveCount(2);
  await hydrated(admin);
  await expectNoAxeViolations(admin, 'the audit log');
});
