import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';
import { labels } from './labels';

for (const lang of ['en', 'es'] as const) {
  test(`My Wallet with JavaScript: every kind, by keyboard, live checks (${lang})`, async ({ browser, baseURL }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ baseURL });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const w = labels[lang];
    await registerAndSignIn(page, lang, lang === 'en' ? '61000009-6100009' : '61000010-6100010', `wallet-${lang}-${Date.now()}@example.com`);

    // Billing → Bill Settings → My Wallet.
    await hydrated(page);
    await page.getByText(w.billing, { exact: true }).click();
    await page.locator('header nav').getByRole('link', { name: w.billSettings }).click();
    // The side menu of the page that arrives (the header's menu has a My Wallet link too).
    await page.locator('.side-menu').getByRole('link', { name: w.myWallet }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet$/);
    await expect(page.locator('.side-menu').getByRole('link', { name: w.myWallet })).toHaveAttribute('aria-current', 'page');
    await hydrated(page);
    await expectNoAxeViolations(page, `my wallet, empty (${lang})`);
    await page.getByRole('link', { name: w.addNew }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\/add$/);
    await hydrated(page);
    await expectNoAxeViolations(page, `add a payment method (${lang})`);

    // Submitting nothing: the error summary, linking to each field.
    await page.getByRole('button', { name: w.add, exact: true }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.kindMissing })).toBeVisible();
    await expectNoAxeViolations(page, `add a payment method, errors (${lang})`);

    // Live checks while typing (after leaving the field once).
    await page.getByLabel(w.routing).fill('12345678');
    await page.getByLabel(w.routing).blur();
    await page.getByLabel(w.routing).fill('123456789');
    await expect(page.locator('#routing_number-error')).toContainText(w.routingError);

    // The whole E-Check form by keyboard.
    await page.getByLabel(w.routing).fill('');
    await page.getByLabel(w.kindEcheck).focus();
    await page.keyboard.press('Tab');
    await expect(page.getByText(w.whereRouting)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('details.help img').first()).toBeVisible();
    await expect(page.locator('details.help img')).toHaveCount(2);
    await page.keyboard.press('Enter');
    await expect(page.locator('details.help img').first()).toBeHidden();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(w.checking)).toBeFocused();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(w.routing)).toBeFocused();
    await page.keyboard.type('021000021');
    await page.keyboard.press('Tab');
    await page.keyboard.type('000123456789');
    await page.keyboard.press('Tab');
    await page.keyboard.type('000123456780');
    await page.keyboard.press('Tab');
    await expect(page.locator('#account_number_confirm-error')).toHaveText(w.mismatch);
    // The bank's name comes from the routing directory.
    await expect(page.getByLabel(w.bank)).toHaveValue('JPMORGAN CHASE BANK, NA');
    await page.getByLabel(w.accountAgain).fill('000123456789');
    await page.getByLabel(w.bank).focus();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(w.holder)).toBeFocused();
    await page.keyboard.type('Pat Journey');
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(w.makeDefault)).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: w.add, exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\?done=added$/);
    const checking = `${w.checking} *****6789`;
    await expect(page.getByText(checking)).toBeVisible();
    await expect(page.getByText(w.added)).toBeVisible();
    await hydrated(page);
    await expectNoAxeViolations(page, `my wallet, one method (${lang})`);

    // A debit card: the brand shows while typing; an expired date is caught.
    await page.getByRole('link', { name: w.addNew }).click();
    await hydrated(page);
    await page.getByLabel(w.kindDebit).check();
    await page.getByLabel(w.card).pressSequentially('4111 1111 1111 1111');
    await expect(page.getByText(w.brandVisa)).toBeVisible();
    await page.getByLabel(w.cardName).fill('Pat Journey');
    await page.getByLabel(w.expiry).fill('01/20');
    await page.getByLabel(w.expiry).blur();
    await page.getByLabel(w.expiry).fill('01/21');
    await expect(page.locator('#expiry-error')).toHaveText(w.expired);
    await page.getByLabel(w.expiry).fill('04/29');
    await page.getByLabel(w.code).fill('123');
    await page.getByLabel(w.billingZip).fill('97501');
    await expectNoAxeViolations(page, `add a debit card (${lang})`);
    // A second press while the answer is on its way (held back here) sends nothing more.
    let posts = 0;
    await page.route('**/api/add_payment_method', async (route) => {
      posts += 1;
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    // Pressed again 100 ms later, in the page (Playwright's own click would wait for the
    // first press's page to load).
    await page.getByRole('button', { name: w.add, exact: true }).evaluate((button: HTMLElement) => {
      button.click();
      setTimeout(() => button.click(), 100);
    });
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\?done=added$/);
    await page.unrouteAll();
    expect(posts, 'posts of the add form').toBe(1);
    await expect(page.getByText(`Visa *****1111 | ${w.exp} 04/29`)).toHaveCount(1);

    // A credit card, made the default.
    await page.getByRole('link', { name: w.addNew }).click();
    await hydrated(page);
    await page.getByLabel(w.kindCredit).check();
    await page.getByLabel(w.card).fill('3782 822463 10005');
    await page.getByLabel(w.cardName).fill('Pat Journey');
    await page.getByLabel(w.expiry).fill('0430');
    await page.getByLabel(w.code).fill('1234');
    await page.getByLabel(w.billingZip).fill('97501-1234');
    await page.getByLabel(w.makeDefault).check();
    await page.getByRole('button', { name: w.add, exact: true }).click();
    const amex = page.locator('.wallet-item', { hasText: 'American Express *****0005' });
    await expect(amex.getByText(w.defaultBadge)).toBeVisible();

    // A digital wallet.
    await page.getByRole('link', { name: w.addNew }).click();
    await hydrated(page);
    await page.getByLabel(w.kindWallet).check();
    await expectNoAxeViolations(page, `add a digital wallet (${lang})`);
    await page.getByLabel('Sandbox Pay').check();
    await page.getByRole('button', { name: w.add, exact: true }).click();
    await expect(page.getByText('Sandbox Pay *****4242')).toBeVisible();

    // Make the bank account the default, then remove the card.
    await hydrated(page);
    await page.locator('.wallet-item', { hasText: checking }).getByRole('button', { name: new RegExp(w.makeDefaultButton) }).click();
    await expect(page.locator('.wallet-item', { hasText: checking }).getByText(w.defaultBadge)).toBeVisible();
    await page.locator('.wallet-item', { hasText: 'Visa *****1111' }).getByRole('button', { name: new RegExp(w.remove) }).click();
    await expect(page.getByText('Visa *****1111')).toHaveCount(0);
    await expectNoAxeViolations(page, `my wallet, several methods (${lang})`);
    await context.close();
  });

  test(`My Wallet without JavaScript (${lang})`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();
    const w = labels[lang];
    await registerAndSignIn(page, lang, lang === 'en' ? '61000011-6100011' : '61000012-6100012', `wallet-nojs-${lang}-${Date.now()}@example.com`);
    await page.goto('/billing/settings/wallet/add');
    // Only the chosen type's fields show, by CSS alone.
    await expect(page.getByLabel(w.routing)).toBeVisible();
    await expect(page.getByLabel(w.card)).toBeHidden();
    await page.getByLabel(w.checking).check();
    await page.getByLabel(w.routing).fill('111000025');
    await page.getByLabel(w.account, { exact: true }).fill('24681357');
    await page.getByLabel(w.accountAgain).fill('24681358');
    await page.getByLabel(w.holder).fill('Pat Journey');
    await page.getByRole('button', { name: w.add, exact: true }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.mismatch })).toBeVisible();
    // Neither account number is kept (the session store is not encrypted): typed again.
    await expect(page.getByText(w.reenterAccount)).toBeVisible();
    await expect(page.getByLabel(w.account, { exact: true })).toHaveValue('');
    await expect(page.getByLabel(w.accountAgain)).toHaveValue('');
    await page.getByLabel(w.account, { exact: true }).fill('24681357');
    await page.getByLabel(w.accountAgain).fill('24681357');
    await page.getByRole('button', { name: w.add, exact: true }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\?done=added$/);
    await expect(page.getByText(/\*\*\*\*\*1357 · BANK OF AMERICA, N\.A\./)).toBeVisible();

    await page.getByRole('link', { name: w.addNew }).click();
    await page.getByLabel(w.kindDebit).check();
    await expect(page.getByLabel(w.card)).toBeVisible();
    await page.getByLabel(w.card).fill('5555 5555 5555 4444');
    await page.getByLabel(w.cardName).fill('Pat Journey');
    await page.getByLabel(w.expiry).fill('12/30');
    await page.getByLabel(w.code).fill('123');
    await page.getByLabel(w.billingZip).fill('97501');
    await page.getByRole('button', { name: w.add, exact: true }).click();
    await expect(page.getByText('Mastercard *****4444')).toBeVisible();
    await page.locator('.wallet-item', { hasText: 'Mastercard *****4444' }).getByRole('button', { name: new RegExp(w.remove) }).click();
    await expect(page.getByText(w.removed)).toBeVisible();
    await expect(page.getByText('Mastercard *****4444')).toHaveCount(0);
    await context.close();
  });
}
