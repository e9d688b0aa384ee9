import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, linkIn, mailTo, registerAndSignIn, useLanguage } from './helpers';
import { labels } from './labels';

const journeys = [
  { lang: 'en', js: true, number: '61000005-6100005' },
  { lang: 'en', js: false, number: '61000006-6100006' },
  { lang: 'es', js: true, number: '61000007-6100007' },
  { lang: 'es', js: false, number: '61000008-6100008' },
] as const;

async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

for (const j of journeys) {
  test(`forgotten password, reset by the emailed link (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    const w = labels[j.lang];
    const email = `reset-${j.lang}-${j.js ? 'js' : 'nojs'}-${Date.now()}@example.com`;

    // A customer with a login, signed out.
    await registerAndSignIn(page, j.lang, j.number, email);
    await page.getByRole('button', { name: w.signOut }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    await page.getByRole('link', { name: w.forgot }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await axe(page, j.js, `forgot password (${j.lang})`);
    await page.getByLabel(w.email).fill(email);
    await page.getByRole('button', { name: w.sendReset }).click();
    await expect(page.getByText(w.resetSent)).toBeVisible();
    await axe(page, j.js, `reset link sent (${j.lang})`);

    const [mail] = await mailTo(email);
    expect(mail.subject).toContain(w.resetSubject);
    const link = linkIn(mail, `${baseURL}/reset-password?token=`);
    await page.goto(link);
    await axe(page, j.js, `choose a new password (${j.lang})`);
    await page.getByLabel(w.newPassword, { exact: true }).fill('short');
    await page.getByLabel(w.newPasswordAgain).fill('short');
    await page.getByRole('button', { name: w.changePassword }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await axe(page, j.js, `new password refused (${j.lang})`);

    await page.getByLabel(w.newPassword, { exact: true }).fill('brand new mountain trail');
    await page.getByLabel(w.newPasswordAgain).fill('brand new mountain trail');
    await page.getByRole('button', { name: w.changePassword }).click();
    await expect(page).toHaveURL(/\/sign-in\?password_changed=1$/);
    await expect(page.getByText(w.passwordChanged)).toBeVisible();
    const changed = await mailTo(email, 2);
    expect(changed[1].subject).toContain(w.passwordChangedSubject);

    await page.getByLabel(w.email).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill('brand new mountain trail');
    await page.getByRole('button', { name: w.signIn, exact: true }).click();
    await expect(page).toHaveURL(/\/account$/);

    // The link works once.
    await page.goto(link);
    await expect(page.getByText(w.alreadyUsed)).toBeVisible();
    await axe(page, j.js, `reset link already used (${j.lang})`);
    await context.close();
  });
}
