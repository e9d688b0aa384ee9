import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, mailTo, useLanguage } from './helpers';
import { Lang } from './labels';
import en from '../../app/locales/en.json';
import es from '../../app/locales/es.json';

const locales = { en, es };

/** axe on the page once it is interactive: the journeys with JavaScript check both languages. */
async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

/** From the home page to the bill of `number`, after one wrong ZIP code. */
async function findBill(page: Page, lang: Lang, js: boolean, number: string) {
  const t = locales[lang];
  await page.goto('/');
  await page.getByRole('link', { name: t.quick_pay.link }).click();
  await expect(page).toHaveURL(/\/pay$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.quick_pay.title);
  await axe(page, js, `quick pay (${lang})`);
  await page.getByRole('textbox', { name: t.register.number_label }).fill(number);
  await page.getByRole('textbox', { name: t.register.zip_label }).fill('97999');
  await page.getByRole('button', { name: t.quick_pay.find_button }).click();
  await expect(page.getByRole('alert')).toContainText(t.quick_pay.no_match);
  await axe(page, js, `quick pay, not found (${lang})`);
  await page.getByRole('textbox', { name: t.register.zip_label }).fill('97501');
  await page.getByRole('button', { name: t.quick_pay.find_button }).click();
  await expect(page).toHaveURL(/\/pay\/details$/);
  await expect(page.getByText('Q**** P** 5*')).toBeVisible();
  await expect(page.locator('dd', { hasText: '$84.17' })).toBeVisible();
  await axe(page, js, `quick pay, the bill (${lang})`);
}

/** The amount (the balance), how to pay and the receipt's email, with one bad amount first. */
async function choose(page: Page, lang: Lang, js: boolean, kind: string, email: string) {
  const t = locales[lang];
  await page.getByRole('radio', { name: t.pay.other_amount }).check();
  await page.getByRole('textbox', { name: t.pay.other_amount }).fill('84,17');
  await page.getByRole('radio', { name: kind }).check();
  await page.getByRole('textbox', { name: t.quick_pay.email_label }).fill(email);
  await page.getByRole('button', { name: t.quick_pay.next }).click();
  await expect(page.getByRole('link', { name: t.pay.amount_comma })).toBeVisible();
  await axe(page, js, `quick pay, bad amount (${lang})`);
  await page.getByRole('radio', { name: `${t.pay.current_balance} ($84.17)` }).check();
  await page.getByRole('button', { name: t.quick_pay.next }).click();
  await expect(page).toHaveURL(/\/pay\/method$/);
}

/** Review, Submit Payment, and the confirmation: `state` is the payment's state label. */
async function submit(page: Page, lang: Lang, js: boolean, masked: string, state: string) {
  const t = locales[lang];
  await expect(page).toHaveURL(/\/pay\/review$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.pay.review_title);
  await expect(page.locator('dd', { hasText: masked })).toBeVisible();
  await axe(page, js, `quick pay, review (${lang})`);
  await page.getByRole('button', { name: t.pay.submit }).click();
  await expect(page).toHaveURL(/\/pay\/done\?ref=\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.pay.done_title);
  await expect(page.getByRole('cell', { name: state })).toBeVisible();
  await expect(page.getByText(/P\d{8}/)).toBeVisible();
  await axe(page, js, `quick pay, confirmation (${lang})`);
  // A refresh shows the same payment; nothing is paid twice.
  const done = page.url();
  await page.reload();
  await expect(page).toHaveURL(done);
  await expect(page.getByRole('cell', { name: state })).toBeVisible();
}

const echeckCases = [
  { lang: 'en' as const, js: true, number: '61000050-6100050' },
  { lang: 'es' as const, js: true, number: '61000051-6100051' },
  { lang: 'en' as const, js: false, number: '61000052-6100052' },
];

for (const { lang, js, number } of echeckCases) {
  test(`Quick Pay by e-check (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const t = locales[lang];
    const e = t.entry;
    await findBill(page, lang, js, number);
    await choose(page, lang, js, e.kind_echeck, `quick-${number}-${lang}-${js}@example.com`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.quick_pay.method_title_echeck);
    await expect(page.getByText(t.quick_pay.never_saved)).toBeVisible();
    await axe(page, js, `quick pay, bank account (${lang})`);
    await page.getByRole('radio', { name: e.checking }).check();
    await page.getByRole('textbox', { name: e.routing }).fill('021000021');
    await page.getByRole('textbox', { name: e.account_number, exact: true }).fill('55556666');
    await page.getByRole('textbox', { name: e.account_again }).fill('55556666');
    await page.getByRole('textbox', { name: e.bank_name }).fill('First Test Bank');
    await page.getByRole('textbox', { name: e.holder_name }).fill('Pat Payer');
    await page.getByRole('button', { name: t.pay.review }).click();
    await expect(page).not.toHaveURL(/55556666/);
    await submit(page, lang, js, '*****6666', t.pay.state_pending);
    await context.close();
  });
}

const cardCases = [
  { lang: 'en' as const, js: true, number: '61000053-6100053' },
  { lang: 'es' as const, js: false, number: '61000054-6100054' },
];

for (const { lang, js, number } of cardCases) {
  test(`Quick Pay by card, with its receipt (${lang}, JavaScript ${js ? 'on' : 'off'})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ baseURL, javaScriptEnabled: js });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const t = locales[lang];
    const e = t.entry;
    const email = `quick-${number}-${lang}-${js}-${Date.now()}@example.com`;
    await findBill(page, lang, js, number);
    await choose(page, lang, js, e.kind_debit, email);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.quick_pay.method_title_card);
    await axe(page, js, `quick pay, card (${lang})`);
    await page.getByRole('textbox', { name: e.card_number }).fill('4111 1111 1111 1111');
    await page.getByRole('textbox', { name: e.card_name }).fill('Pat Payer');
    await page.getByRole('textbox', { name: e.expiry }).fill('04/30');
    await page.getByRole('textbox', { name: e.security_code }).fill('123');
    await page.getByRole('textbox', { name: e.billing_zip }).fill('97501');
    await page.getByRole('button', { name: t.pay.review }).click();
    await submit(page, lang, js, '1111', t.pay.state_paid);
    const [receipt] = await mailTo(email);
    expect(receipt.text).toContain('1111');
    await context.close();
  });
}
