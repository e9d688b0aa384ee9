import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, linkIn, mailTo, registerAndSignIn, useLanguage } from './helpers';
import { labels } from './labels';

const journeys = [
  { lang: 'en', js: true, number: '61000014-6100014' },
  { lang: 'en', js: false, number: '61000015-6100015' },
  { lang: 'es', js: true, number: '61000016-6100016' },
  { lang: 'es', js: false, number: '61000017-6100017' },
] as const;

async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

for (const j of journeys) {
  test(`paperless billing by the emailed link (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    const w = labels[j.lang];
    await registerAndSignIn(page, j.lang, j.number, `login-${j.lang}-${j.js}-${Date.now()}@example.com`);

    await page.goto('/billing/settings/delivery');
    await expect(page.getByRole('link', { name: w.delivery })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await axe(page, j.js, `bill delivery method (${j.lang})`);

    await page.getByLabel(w.emailChoice, { exact: true }).check();
    const field = page.getByLabel(w.deliveryEmail, { exact: true });
    await field.fill('not an address');
    await page.getByRole('button', { name: w.sendVerification }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.badEmail })).toBeVisible();
    await axe(page, j.js, `bill delivery method, bad email (${j.lang})`);

    const bills = `bills-${j.lang}-${j.js}-${Date.now()}@example.com`;
    await page.getByLabel(w.emailChoice, { exact: true }).check();
    await page.getByLabel(w.deliveryEmail, { exact: true }).fill(bills);
    await page.getByRole('button', { name: w.sendVerification }).click();
    await expect(page.getByText(w.checkInbox)).toBeVisible();
    await expect(page.getByText(`${w.pending} ${bills}`)).toBeVisible();
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await axe(page, j.js, `bill delivery method, pending (${j.lang})`);

    const [mail] = await mailTo(bills);
    expect(mail.subject).toContain(w.deliverySubject);
    const link = linkIn(mail, `${baseURL}/billing/verify-email?token=`);
    // Opening the link changes nothing (mail scanners open links); its button confirms.
    await page.goto(link);
    await expect(page.getByRole('button', { name: w.confirmDelivery })).toBeVisible();
    await expect(page.getByText(bills)).toBeVisible();
    await axe(page, j.js, `paperless billing to confirm (${j.lang})`);
    await page.goto('/billing/settings/delivery');
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await page.goto(link);
    await page.getByRole('button', { name: w.confirmDelivery }).click();
    await expect(page.getByText(w.verified)).toBeVisible();
    await expect(page.getByText(bills)).toBeVisible();
    await axe(page, j.js, `paperless billing verified (${j.lang})`);
    await page.goto(link);
    await expect(page.getByText(w.alreadyUsed)).toBeVisible();
    await expect(page.getByRole('button', { name: w.confirmDelivery })).toHaveCount(0);
    await axe(page, j.js, `verification link used (${j.lang})`);
    // A damaged or expired link says so and offers a new email.
    await page.goto('/billing/verify-email?token=damaged');
    await expect(page.getByRole('link', { name: w.verifyAgain })).toBeVisible();
    await axe(page, j.js, `verification link not valid (${j.lang})`);

    await page.goto('/billing/settings/delivery');
    await expect(page.getByText(`${w.current} ${w.emailChoice} (${bills})`)).toBeVisible();
    await page.getByLabel(w.paperChoice, { exact: true }).check();
    await page.getByRole('button', { name: w.switchPaper }).click();
    await expect(page.getByText(w.paperDone)).toBeVisible();
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    const notices = await mailTo(bills, 2);
    expect(notices[1].subject).not.toContain(w.deliverySubject);
    await context.close();
  });
}
