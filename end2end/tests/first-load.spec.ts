import { test, expect, Page } from '@playwright/test';
import { hydrated, registerAndSignIn } from './helpers';

// What a first visit downloads: the js, wasm and css a page needs, as sent (brotli), in a
// browser with an empty cache. The figures go to docs/benchmarks.md (the goal is 150 KB;
// see there why it is not met); the budget below is today's size with some room, so that a
// change that makes it much larger fails here instead of going unnoticed.
const BUDGET_BYTES = 680_000;

interface Download { url: string; bytes: number }

function recordDownloads(page: Page): Download[] {
  const downloads: Download[] = [];
  page.on('requestfinished', async (request) => {
    const url = new URL(request.url());
    if (!/\.(js|wasm|css)$/.test(url.pathname)) return;
    const sizes = await request.sizes();
    downloads.push({ url: url.pathname, bytes: sizes.responseBodySize });
  });
  return downloads;
}

function report(label: string, downloads: Download[]) {
  const total = downloads.reduce((sum, d) => sum + d.bytes, 0);
  const lines = downloads.map((d) => `  ${String(d.bytes).padStart(8)}  ${d.url}`).join('\n');
  console.log(`first load of ${label}: ${total} bytes in ${downloads.length} files\n${lines}`);
  return total;
}

test('what a first visit downloads stays within its budget, and the page works', async ({ browser, baseURL }) => {
  // Visitor: the sign-in page.
  const visitor = await browser.newContext({ baseURL });
  const signIn = await visitor.newPage();
  const signInDownloads = recordDownloads(signIn);
  await signIn.goto('/sign-in');
  await hydrated(signIn);
  await signIn.waitForLoadState('networkidle');
  expect(signInDownloads.some((d) => d.url.endsWith('.wasm')), 'the wasm of /sign-in').toBe(true);
  expect(report('/sign-in', signInDownloads)).toBeLessThan(BUDGET_BYTES);
  // Hydrated: the error summary of an empty submit takes the focus, which only the wasm does.
  await signIn.getByRole('button', { name: 'Sign In' }).click();
  await expect(signIn.getByRole('alert')).toBeFocused();
  await visitor.close();

  // Customer: the account overview, on a fresh cache, then a move to another page in the
  // browser, which downloads nothing more of the wasm.
  const customerSetup = await browser.newContext({ baseURL });
  const setupPage = await customerSetup.newPage();
  await registerAndSignIn(setupPage, 'en', '61000021-6100021', 'first-load@example.com');
  const cookies = await customerSetup.cookies();
  await customerSetup.close();

  const customer = await browser.newContext({ baseURL });
  await customer.addCookies(cookies);
  const overview = await customer.newPage();
  const overviewDownloads = recordDownloads(overview);
  await overview.goto('/account');
  await hydrated(overview);
  await overview.waitForLoadState('networkidle');
  expect(overviewDownloads.some((d) => d.url.endsWith('.wasm')), 'the wasm of /account').toBe(true);
  expect(report('/account', overviewDownloads)).toBeLessThan(BUDGET_BYTES);
  const before = overviewDownloads.length;
  await overview.getByText('Billing', { exact: true }).click();
  await overview.getByRole('link', { name: 'Bill Settings' }).click();
  await expect(overview).toHaveURL(/\/billing\/settings$/);
  await expect(overview.getByRole('heading', { level: 1 })).toContainText('Bill Settings');
  await overview.waitForLoadState('networkidle');
  expect(overviewDownloads.slice(before).filter((d) => d.url.endsWith('.wasm')), 'wasm fetched again').toEqual([]);
  await customer.close();
});
