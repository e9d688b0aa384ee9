import { test, expect, Browser, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';
import { labels, Lang } from './labels';
import en from '../../app/locales/en.json';
import es from '../../app/locales/es.json';

const pay = { en: en.pay, es: es.pay };
const history = { en: en.history, es: es.history };

/** Saves a Visa card in My Wallet from its add page (JavaScript on). */
async function addCard(page: Page, lang: Lang, card = '4111 1111 1111 1111') {
  const w = labels[lang];
  await page.goto('/billing/settings/wallet/add');
  await hydrated(page);
  await page.getByLabel(w.kindDebit).check();
  await page.getByLabel(w.card).fill(card);
  await page.getByLabel(w.cardName).fill('Pat Payer');
  await page.getByLabel(w.expiry).fill('04/30');
  await page.getByLabel(w.code).fill('123');
  await page.getByLabel(w.billingZip).fill('97501');
  await page.getByRole('button', { name: w.add, exact: true }).click();
  await expect(page).toHaveURL(/\/billing\/settings\/wallet\?done=added$/);
}

/** axe on the page once it is interactive: the journeys with JavaScript check both languages. */
async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

const cases = [
  { lang: 'en' as const, js: true, number: '61000030-6100030' },
  { lang: 'es' as const, js: true, number: '61000031-6100031' },
  { lang: 'en' as const, js: false, number: '61000032-6100032' },
];

for (const { lang, js, number } of cases) {
  test(`Pay Now by card: review, submit, print (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const setup = await browser.newContext({ baseURL });
    await useLanguage(setup, baseURL!, lang);
    const setupPage = await setup.newPage();
    const email = `pay-${lang}-${js}-${Date.now()}@example.com`;
    await registerAndSignIn(setupPage, lang, number, email);
    await addCard(setupPage, lang);
    const cookies = await setup.cookies();

    const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const t = pay[lang];

    // The overview's Pay Now opens Make a Payment with this account ticked.
    await page.goto('/account');
    await page.getByRole('link', { name: t.pay_now }).click();
    await expect(page).toHaveURL(/\/billing\/pay\?account=\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.title);
    await expect(page.getByRole('radio', { name: `${t.current_balance} ($84.17)` })).toBeChecked();
    await axe(page, js, `make a payment (${lang})`);

    // Another amount written with a comma for the point is refused and explained.
    await page.getByRole('radio', { name: t.other_amount }).check();
    await page.getByRole('textbox', { name: t.other_amount }).fill('84,17');
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.getByRole('link', { name: t.amount_comma })).toBeVisible();
    await axe(page, js, `make a payment, errors (${lang})`);

    // The balance, reviewed and submitted.
    await page.getByRole('radio', { name: `${t.current_balance} ($84.17)` }).check();
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.review_title);
    await expect(page.locator('dd', { hasText: 'Visa *****1111' })).toBeVisible();
    await axe(page, js, `review payment (${lang})`);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(/\/billing\/pay\/done\?ref=\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.done_title);
    await expect(page.getByRole('cell', { name: t.state_paid })).toBeVisible();
    await expect(page.getByText(/P\d{8}/)).toBeVisible();
    await axe(page, js, `payment submitted (${lang})`);

    // Back to the review: the form was submitted, and it leads to the same payment.
    const done = page.url();
    await page.goBack();
    await expect(page.getByText(t.already_submitted)).toBeVisible();
    await page.getByRole('link', { name: t.see_payment }).click();
    await expect(page).toHaveURL(done);
    await page.goto('/account');
    await expect(page.locator('.account-card .amount').first()).toHaveText('$0.00');

    // Payment History shows that one payment; its filters travel in the address; the CSV
    // downloads with the same words.
    const h = history[lang];
    await page.goto('/billing/payments');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(h.title);
    const table = page.getByRole('table', { name: h.caption });
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table.getByRole('row').nth(1)).toContainText('Visa *****1111');
    await expect(table.getByRole('row').nth(1)).toContainText(t.state_paid);
    await axe(page, js, `payment history (${lang})`);
    await page.getByLabel(h.year, { exact: true }).selectOption({ index: 1 });
    await page.getByRole('button', { name: h.show, exact: true }).click();
    await expect(page).toHaveURL(/\/billing\/payments\?account=&year=\d{4}$/);
    await expect(page.getByRole('table', { name: h.caption }).getByRole('row')).toHaveCount(2);
    const csvPath = await page.getByRole('link', { name: h.download_csv }).getAttribute('href');
    expect(csvPath).toMatch(/^\/billing\/payments\.csv\?year=\d{4}$/);
    const csv = await page.request.get(csvPath!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toBe('attachment; filename="payments.csv"');
    expect(await csv.text()).toContain(`${h.date},${h.account},`);
    await setup.close();
    await context.close();
  });
}

const entry = { en: en.entry, es: es.entry };

const newMethodCases = [
  { lang: 'en' as const, js: true, number: '61000045-6100045' },
  { lang: 'en' as const, js: false, number: '61000046-6100046' },
];

for (const { lang, js, number } of newMethodCases) {
  test(`Pay Now signed in by a new e-check not saved (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const setup = await browser.newContext({ baseURL });
    await useLanguage(setup, baseURL!, lang);
    const setupPage = await setup.newPage();
    await registerAndSignIn(setupPage, lang, number, `pay-new-${js}-${Date.now()}@example.com`);
    const cookies = await setup.cookies();
    const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const t = pay[lang];
    const e = entry[lang];

    // No saved method: the new ones are offered after them, with their fees.
    await page.goto('/billing/pay');
    await page.getByRole('radio', { name: e.new_echeck }).check();
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.enter_title);
    const save = page.getByRole('checkbox', { name: e.save_to_wallet });
    await expect(save).not.toBeChecked();
    await axe(page, js, `new method (${lang})`);

    // A wrong routing number is explained on the same page, and nothing is kept.
    await page.getByRole('radio', { name: e.checking }).check();
    await page.getByRole('textbox', { name: e.routing }).fill('021000022');
    await page.getByRole('textbox', { name: e.account_number, exact: true }).fill('55556666');
    await page.getByRole('textbox', { name: e.account_again }).fill('55556666');
    await page.getByRole('textbox', { name: e.bank_name }).fill('First Test Bank');
    await page.getByRole('textbox', { name: e.holder_name }).fill('Pat Payer');
    await page.getByRole('button', { name: t.continue_to_review }).click();
    await expect(page.getByRole('link', { name: e.routing_checksum })).toBeVisible();
    await axe(page, js, `new method, errors (${lang})`);

    await page.getByRole('textbox', { name: e.routing }).fill('021000021');
    await page.getByRole('textbox', { name: e.account_number, exact: true }).fill('55556666');
    await page.getByRole('textbox', { name: e.account_again }).fill('55556666');
    await page.getByRole('button', { name: t.continue_to_review }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.review_title);
    await expect(page.locator('dd', { hasText: '*****6666' })).toBeVisible();
    await expect(page).not.toHaveURL(/55556666/);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(/\/billing\/pay\/done\?ref=\d+$/);
    await expect(page.getByRole('cell', { name: t.state_pending })).toBeVisible();

    // Not kept: My Wallet stays empty.
    await page.goto('/billing/settings/wallet');
    await expect(page.getByText(en.wallet.empty)).toBeVisible();
    await setup.close();
    await context.close();
  });
}

/** A fixture customer signed in with a card saved, in a browser with JavaScript `js`. */
async function signedInWithCard(browser: Browser, baseURL: string, lang: Lang, js: boolean, number: string, card?: string) {
  const setup = await browser.newContext({ baseURL });
  await useLanguage(setup, baseURL, lang);
  const setupPage = await setup.newPage();
  const email = `pay-${number}-${lang}-${js}-${Date.now()}@example.com`;
  await registerAndSignIn(setupPage, lang, number, email);
  await addCard(setupPage, lang, card);
  const cookies = await setup.cookies();
  await setup.close();
  const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
  await context.addCookies(cookies);
  return { context, page: await context.newPage() };
}

/** A day after today (the server's day is UTC), as the date field takes it. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const scheduledCases = [
  { lang: 'en' as const, js: true, number: '61000033-6100033' },
  { lang: 'es' as const, js: true, number: '61000034-6100034' },
  { lang: 'en' as const, js: false, number: '61000035-6100035' },
];

for (const { lang, js, number } of scheduledCases) {
  test(`Pay Now scheduled, then cancelled (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const { context, page } = await signedInWithCard(browser, baseURL!, lang, js, number);
    const t = pay[lang];

    await page.goto('/billing/pay');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.title);
    await page.getByLabel(t.date).fill(daysFromNow(5));
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.review_title);
    await expect(page.locator('dd', { hasText: t.state_scheduled })).toBeVisible();
    await axe(page, js, `review a scheduled payment (${lang})`);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(/\/billing\/pay\/done\?ref=\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.done_scheduled);
    await expect(page.getByRole('cell', { name: t.state_scheduled })).toBeVisible();
    await axe(page, js, `payment scheduled (${lang})`);

    // Cancel, behind a second step so that a stray click does not cancel.
    const done = page.url();
    await page.locator('summary', { hasText: t.cancel_payment }).click();
    await page.getByRole('button', { name: t.cancel_yes }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.done_cancelled);
    expect(page.url()).toBe(done);
    await expect(page.getByRole('cell', { name: t.state_cancelled })).toBeVisible();
    await expect(page.getByRole('button', { name: t.cancel_yes })).toHaveCount(0);
    await axe(page, js, `payment cancelled (${lang})`);
    await context.close();
  });
}

const declinedCases = [
  { lang: 'en' as const, js: true, number: '61000036-6100036' },
  { lang: 'es' as const, js: true, number: '61000037-6100037' },
  { lang: 'en' as const, js: false, number: '61000038-6100038' },
];

for (const { lang, js, number } of declinedCases) {
  test(`Pay Now by a card that is declined (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    // The sandbox saves this card and declines every charge of it.
    const { context, page } = await signedInWithCard(browser, baseURL!, lang, js, number, '4000 0000 0000 0002');
    const t = pay[lang];

    await page.goto('/billing/pay');
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.locator('dd', { hasText: 'Visa *****0002' })).toBeVisible();
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page).toHaveURL(/\/billing\/pay\/done\?ref=\d+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.done_declined);
    await expect(page.getByText(t.declined)).toBeVisible();
    await expect(page.getByRole('cell', { name: t.state_declined })).toBeVisible();
    await axe(page, js, `payment declined (${lang})`);

    // Nothing was paid: the balance is still owed, and another method can pay it.
    await page.getByRole('link', { name: t.try_again }).click();
    await expect(page).toHaveURL(/\/billing\/pay\?account=\d+$/);
    await expect(page.getByRole('radio', { name: `${t.current_balance} ($84.17)` })).toBeChecked();
    await axe(page, js, `make a payment after a decline (${lang})`);
    await context.close();
  });
}

const twoAccountCases = [
  { lang: 'en' as const, js: true, number: '61000060-6100060' },
  { lang: 'es' as const, js: false, number: '61000062-6100062' },
];

for (const { lang, js, number } of twoAccountCases) {
  test(`Pay Now: two accounts in one payment, a double click and a refresh pay once (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const { context, page } = await signedInWithCard(browser, baseURL!, lang, js, number);
    const t = pay[lang];
    await page.goto('/billing/pay');
    const ticked = page.locator('#accounts input[type="checkbox"]');
    await expect(ticked).toHaveCount(2);
    await expect(ticked.nth(0)).toBeChecked();
    await expect(ticked.nth(1)).toBeChecked();
    await page.getByRole('button', { name: t.review }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.review_title);
    const lines = page.getByRole('table', { name: t.accounts });
    await expect(lines.locator('tbody tr')).toHaveCount(2);
    await expect(lines.locator('tfoot')).toContainText('$168.34');
    await axe(page, js, `review of two accounts (${lang})`);

    await page.getByRole('button', { name: t.submit }).dblclick();
    await expect(page).toHaveURL(/\/billing\/pay\/done\?ref=\d+$/);
    const references = page.getByText(/P\d{8}/);
    await expect(references).toHaveCount(2);
    await page.reload();
    await expect(references).toHaveCount(2);

    // One payment per account, whatever the double click and the refresh sent.
    await page.goto('/billing/payments');
    const table = page.getByRole('table', { name: history[lang].caption });
    await expect(table.locator('tbody tr')).toHaveCount(2);
    await context.close();
  });
}
