import { test, expect } from '@playwright/test';
import { spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { expectBillingMenuClosesOnEscape, expectNoAxeViolations, hydrated, useLanguage } from './helpers';
import { labels } from './labels';

const { en, es } = labels;

test('a page is rendered on the server: its text is in the HTML before any script runs', async ({ request, browser, baseURL }) => {
  const html = await (await request.get('/')).text();
  expect(html).toContain(en.homeTitle);
  expect(html).toContain('541-774-2430');

  const noScript = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await noScript.newPage();
  await page.goto('/faq');
  await expect(page.getByRole('heading', { level: 1, name: en.faqTitle })).toBeVisible();
  await expect(page.getByText('customerservice@medfordwater.org').first()).toBeVisible();
  // Without JavaScript the Billing menu still opens (it is a <details> element).
  await page.getByText(en.billing, { exact: true }).click();
  await page.getByRole('link', { name: en.billSettings }).click();
  await expect(page).toHaveURL(/\/billing\/settings$/);
  await noScript.close();
});

test('hydration happens: the Billing menu closes on Escape, which needs the wasm', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expectBillingMenuClosesOnEscape(page);
});

test('the Billing dropdown works by keyboard alone', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const summary = page.locator('details.nav-dropdown > summary');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    if (await summary.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(summary).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('details.nav-dropdown')).toHaveAttribute('open', '');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: en.makePayment })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('details.nav-dropdown')).not.toHaveAttribute('open', '');
  await expect(summary).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/pay$/);
  await expect(page.getByRole('heading', { level: 1, name: en.makePayment })).toBeVisible();
});

test('the language switch shows Spanish and the choice survives a reload', async ({ page }) => {
  await page.goto('/faq');
  await page.getByRole('link', { name: en.switchLanguage }).click();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { level: 1, name: es.faqTitle })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: es.faqTitle })).toBeVisible();
  await expect(page.getByText(es.billing, { exact: true })).toBeVisible();
  await page.getByRole('link', { name: es.switchLanguage }).click();
  await expect(page.getByRole('heading', { level: 1, name: en.faqTitle })).toBeVisible();
});

test('the web manifest is valid and the service worker registers', async ({ page, request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBeTruthy();
  const manifest = await response.json();
  expect(manifest.name).toBeTruthy();
  expect(manifest.short_name).toBeTruthy();
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toContain('192x192');
  expect(sizes).toContain('512x512');
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBeTruthy();
  for (const icon of manifest.icons) {
    const r = await request.get(icon.src);
    expect(r.ok(), icon.src).toBeTruthy();
    expect(r.headers()['content-type']).toBe('image/png');
  }

  await page.goto('/');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe('/');
});

test('the offline page appears when the server is stopped', async ({ browser }) => {
  // A server of its own, so that stopping it leaves the suite's server running.
  const port = 3190;
  const db = path.join(os.tmpdir(), `aqueduct-offline-${process.pid}.db`);
  const server = spawn(process.env.AQUEDUCT_SERVER_BIN ?? '../target/release/server', [], {
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.AQUEDUCT_SITE_ROOT ?? '../target/site',
      LEPTOS_OUTPUT_NAME: 'aqueduct',
      LEPTOS_ENV: 'PROD',
      DATABASE_URL: `sqlite://${db}?mode=rwc`,
      // No SMTP, demo key: development mode (off by default), on loopback.
      AQUEDUCT_DEV_MODE: 'true',
    },
    stdio: 'ignore',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    for (let i = 0; i < 100; i++) {
      try { await page.goto('/'); break; } catch { await page.waitForTimeout(200); }
    }
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload(); // now the service worker controls the page
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBeTruthy();
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('exit', resolve));
    // A link: its page cannot be fetched, so the browser is sent there itself and the
    // worker answers with the offline page.
    await page.locator('header nav').getByRole('link', { name: labels.en.help }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'You are offline' })).toBeVisible();
    await expect(page.getByText('Sin conexión')).toBeVisible();
    await context.close();
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
  }
});

const pages = [
  '/',
  '/faq',
  '/terms',
  '/register',
  '/register/login',
  '/sign-in',
  '/billing/settings',
  '/billing/settings/autopay',
  '/billing/settings/delivery',
  '/billing/settings/wallet',
  '/billing/autopay/enroll?account=1',
  '/billing/autopay/review?account=1',
  '/billing/autopay/done?ref=AP-NONE',
  '/no-such-page',
  '/offline.html',
];

for (const lang of ['en', 'es'] as const) {
  test(`axe finds no violation on any page (${lang})`, async ({ page, context, baseURL }) => {
    test.setTimeout(180_000); // a dozen pages, each hydrated and scanned
    await useLanguage(context, baseURL!, lang);
    for (const path of pages) {
      await page.goto(path);
      if (path !== '/offline.html') {
        await expect(page.locator('html')).toHaveAttribute('lang', lang);
        await hydrated(page);
      }
      await expectNoAxeViolations(page, `${path} (${lang})`);
    }
    // The open dropdown too.
    await page.goto('/');
    await hydrated(page);
    await page.locator('details.nav-dropdown > summary').click();
    await expectNoAxeViolations(page, `open Billing menu (${lang})`);
  });
}

test('a form the portal cannot accept gets a plain page saying so, with the way back', async ({ page }) => {
  // Longer than any field may be (1,000 characters): refused before any server function runs.
  await page.goto('/sign-in');
  await page.getByLabel(en.email).fill(`${'a'.repeat(1_001)}@example.com`);
  await page.getByLabel(en.password).fill('anything at all');
  await page.getByRole('button', { name: en.signIn }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en.problem);
  await expect(page.getByRole('alert')).toHaveText(/One of the fields is longer than the portal accepts/);
  await expectNoAxeViolations(page, 'the refusal page');
  await page.getByRole('link', { name: 'Go back' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});
