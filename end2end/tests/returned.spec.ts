import { test, expect } from '@playwright/test';
import { expectNoAxeViolations, useLanguage } from './helpers';
import en from '../../app/locales/en.json';
import es from '../../app/locales/es.json';

/**
 * After the bank returns a debit (issue 17): Payment History says Returned with the reason,
 * My Wallet says why the bank account cannot pay and offers "Authorize this bank account
 * again" after an unauthorized return, and the AutoPay page says the AutoPay is suspended.
 *
 * SKIPPED: a returned payment cannot be set up from Playwright yet. The suite starts the
 * server on a database of its own (playwright.config.ts) with fixtures imported by the
 * command line, and a return needs a debit that went to the bank in a written NACHA file
 * (its trace number) and then `server import ach-returns FILE` naming that trace: the spec
 * knows neither the database nor the trace numbers, and the fixture files hold no payments.
 * These journeys are covered in Rust (server/tests/api/returned.rs, on SQLite and
 * PostgreSQL). To enable them, give the suite a fixture customer whose returned payment the
 * webServer command prepares (for example an `ach-returns` fixture imported after a
 * fixture payment's file is written), set RETURNED_FIXTURE to its number, and sign it in as
 * the other specs do.
 */
const fixture = process.env.RETURNED_FIXTURE;

for (const [lang, t, javaScript] of [['en', en, true], ['es', es, false]] as const) {
  test(`a returned payment, its bank account and AutoPay (${lang}, ${javaScript ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.skip(!fixture, 'no way to set up a returned payment from Playwright yet (see the comment above)');
    const context = await browser.newContext({ baseURL, javaScriptEnabled: javaScript });
    await useLanguage(context, baseURL!, lang);
    const page = await context.newPage();

    // Payment History: Returned, with the reason in the customer's language.
    await page.goto('/billing/payments');
    await expect(page.locator('.payment-history')).toContainText(t.pay.state_returned);
    await expect(page.locator('.return-reason').first()).toContainText(t.returned.unauthorized);
    await expectNoAxeViolations(page, `payment history with a return (${lang})`);

    // AutoPay: suspended, and what to do.
    await page.goto('/billing/settings/autopay');
    await expect(page.locator('.autopay-suspended')).toContainText(t.autopay.suspended_because);
    await expect(page.locator('.autopay-suspended')).toContainText(t.autopay.suspended_unauthorized_todo);
    await expectNoAxeViolations(page, `a suspended AutoPay (${lang})`);

    // My Wallet: why, and Authorize Again (a plain form: the same without JavaScript).
    await page.goto('/billing/settings/wallet');
    await expect(page.locator('.method-returned')).toContainText(t.wallet.returned_by_bank);
    const again = page.getByRole('group', { name: t.wallet.authorize_again });
    await expect(again.locator('.authorization')).not.toBeEmpty();
    await expectNoAxeViolations(page, `a returned bank account (${lang})`);
    await again.getByRole('button', { name: t.wallet.authorize_again_button }).click();
    await expect(page).toHaveURL(/\/billing\/settings\/wallet\?done=authorized$/);
    await expect(page.getByRole('status')).toContainText(t.wallet.authorized);
    await expect(page.locator('.method-returned')).toHaveCount(0);

    // AutoPay runs again.
    await page.goto('/billing/settings/autopay');
    await expect(page.locator('.autopay-suspended')).toHaveCount(0);
    await context.close();
  });
}
