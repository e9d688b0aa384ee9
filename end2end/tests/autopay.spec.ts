import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, mailTo, registerAndSignIn, useLanguage } from './helpers';
import { labels, Labels } from './labels';

/** The bank account `addBankAccount` saves, as the portal names it. */
const bankMethod = (w: Labels) => `${w.checking} *****6789`;

/** Fills the add-payment form for a checking account and presses Add. */
async function addBankAccount(page: Page, w: Labels, holder: string) {
  await page.getByLabel(w.kindEcheck).check();
  await page.getByLabel(w.checking).check();
  await page.getByLabel(w.routing).fill('021000021');
  await page.getByLabel(w.account, { exact: true }).fill('000123456789');
  await page.getByLabel(w.accountAgain).fill('000123456789');
  await page.getByLabel(w.bank).fill('JPMORGAN CHASE BANK, NA');
  await page.getByLabel(w.holder).fill(holder);
  await page.getByRole('button', { name: w.add, exact: true }).click();
}

for (const lang of ['en', 'es'] as const) {
  test(`AutoPay: enroll with a new method, print, change, cancel (${lang})`, async ({ browser, baseURL }) => {
    test.setTimeout(150_000);
    const context = await browser.newContext({ baseURL });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const w = labels[lang];
    const number = lang === 'en' ? '61000018-6100018' : '61000019-6100019';
    const email = `autopay-${lang}-${Date.now()}@example.com`;
    await registerAndSignIn(page, lang, number, email);

    // Billing → Bill Settings → AutoPay → Enroll in AutoPay.
    await hydrated(page);
    await page.getByText(w.billing, { exact: true }).click();
    await page.locator('header nav').getByRole('link', { name: w.billSettings }).click();
    await page.locator('.side-menu').getByRole('link', { name: w.autopay }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/autopay$/);
    await expect(page.getByText(w.notEnrolled)).toBeVisible();
    await page.getByRole('link', { name: w.enroll }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.createHeading + number);
    await expect(page.getByRole('heading', { name: w.paymentMethod })).toBeVisible();
    await expect(page.getByRole('heading', { name: w.myWallet })).toBeVisible();
    await hydrated(page);
    await expectNoAxeViolations(page, `enroll in AutoPay (${lang})`);

    // Continue with no method: the summary names it.
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.methodMissing })).toBeVisible();
    await expectNoAxeViolations(page, `enroll in AutoPay, errors (${lang})`);

    // Add New: the add form, then back with the new method chosen.
    await page.getByRole('link', { name: w.addNew }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\/add\?autopay=\d+$/);
    await hydrated(page);
    await addBankAccount(page, w, 'Pat AutoPay');
    await expect(page).toHaveURL(/\/billing\/autopay\/enroll\?account=\d+&method=\d+$/);
    await expect(page.getByLabel(bankMethod(w))).toBeChecked();

    // Three days before the due date → review.
    await hydrated(page);
    await page.getByRole('radio', { name: w.daysBefore }).check();
    await page.getByLabel(w.daysLabel).selectOption('3');
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page).toHaveURL(/\/billing\/autopay\/review\?/);
    await expect(page.locator('.facts')).toContainText(bankMethod(w));
    await expect(page.locator('.facts')).toContainText(w.rule3DaysBefore);
    const due = lang === 'en' ? 'January 15, 2030' : '15 de enero de 2030';
    await expect(page.locator('.facts')).toContainText(`${w.firstBillDue} ${due} ($45.00)`);
    await expect(page.locator('.authorization')).toContainText(w.authorize);
    await hydrated(page);
    await expectNoAxeViolations(page, `review AutoPay (${lang})`);

    // Create AutoPay (pressed twice quickly): one enrollment, its confirmation.
    const create = page.getByRole('button', { name: w.createAutopay });
    await create.dblclick();
    await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-[A-Z0-9]+$/);
    await expect(page.getByRole('heading', { level: 1, name: w.done })).toBeVisible();
    const reference = (await page.locator('dd.reference').textContent())!.trim();
    expect(reference).toMatch(/^AP-[A-Z0-9]{10}$/);
    await hydrated(page);
    await expectNoAxeViolations(page, `AutoPay created (${lang})`);

    // The printed page: the facts only, no navigation or buttons.
    await expect(page.getByRole('button', { name: w.print })).toBeVisible();
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header')).toBeHidden();
    await expect(page.locator('footer')).toBeHidden();
    await expect(page.getByRole('button', { name: w.print })).toBeHidden();
    await expect(page.locator('dd.reference')).toBeVisible();
    await expect(page.locator('.authorization')).toBeVisible();
    await page.emulateMedia({ media: 'screen' });

    // Bill Settings shows it; Change → a fixed amount.
    await page.getByRole('link', { name: w.backToSettings }).click();
    await expect(page.locator('.autopay-account')).toContainText(w.enrolled);
    await expect(page.locator('.autopay-account')).toContainText(reference);
    await expect(page.locator('.autopay-account')).toContainText(bankMethod(w));
    await page.getByRole('link', { name: w.change }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.changeHeading + number);
    await expect(page.getByLabel(bankMethod(w))).toBeChecked();
    await expect(page.getByRole('radio', { name: w.daysBefore })).toBeChecked();
    await hydrated(page);
    await page.getByRole('radio', { name: w.fixed }).check();
    await page.getByLabel(w.fixedLabel).fill('40');
    await page.getByRole('button', { name: w.continue }).click();
    await expect(page.locator('.facts')).toContainText(w.rule40Fixed);
    await hydrated(page);
    await page.getByRole('button', { name: w.createAutopay }).click();
    await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-/);
    const changed = (await page.locator('dd.reference').textContent())!.trim();
    expect(changed).not.toEqual(reference);

    // Cancel, confirmed.
    await page.getByRole('link', { name: w.backToSettings }).click();
    await expect(page.locator('.autopay-account')).toContainText(w.rule40Fixed);
    await hydrated(page);
    await page.getByText(w.cancel, { exact: true }).click();
    await page.getByRole('button', { name: w.cancelYes }).click();
    await expect(page.getByText(w.cancelled)).toBeVisible();
    await expect(page.locator('.autopay-account')).toContainText(w.notEnrolled);
    await expectNoAxeViolations(page, `AutoPay cancelled (${lang})`);

    // Each step was confirmed by email, in the customer's language.
    const mail = await mailTo(email, 3);
    for (const subject of w.autopaySubjects) {
      expect(mail.some((m) => m.subject.startsWith(subject)), `${subject} in ${mail.map((m) => m.subject)}`).toBeTruthy();
    }
    expect(mail.filter((m) => m.subject.startsWith(w.autopaySubjects[0])).length, 'one enrollment email for a double click').toBe(1);
    await context.close();
  });
}

test('AutoPay enrolls without JavaScript', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  const w = labels.en;
  const email = `autopay-nojs-${Date.now()}@example.com`;
  // Registration works without JavaScript too (registration.spec.ts); here the account is set up the same way.
  await registerAndSignIn(page, 'en', '61000020-6100020', email);
  await page.goto('/billing/settings/autopay');
  await page.getByRole('link', { name: w.enroll }).click();
  await page.getByRole('link', { name: w.addNew }).click();
  await addBankAccount(page, w, 'Pat NoScript');
  await expect(page.getByLabel(bankMethod(w))).toBeChecked();
  await page.getByRole('button', { name: w.continue }).click();
  await expect(page.locator('.authorization')).toContainText(w.authorize);
  await page.getByRole('button', { name: w.createAutopay }).click();
  await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-/);
  await expect(page.getByRole('heading', { level: 1, name: w.done })).toBeVisible();
  await context.close();
});
