import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, useLanguage } from './helpers';
import { labels } from './labels';

const journeys = [
  { lang: 'en', js: true, number: '61000001-6100001' },
  { lang: 'en', js: false, number: '61000002-6100002' },
  { lang: 'es', js: true, number: '61000003-6100003' },
  { lang: 'es', js: false, number: '61000004-6100004' },
] as const;

async function ready(page: Page, js: boolean) {
  if (js) await hydrated(page);
}

/** axe runs as a script in the page, so only where JavaScript is on; the pages without
 * it are the same server-rendered HTML, checked in the runs with JavaScript. */
async function axe(page: Page, js: boolean, label: string) {
  if (js) await expectNoAxeViolations(page, label);
}

for (const j of journeys) {
  test(`register, sign out and sign in (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    const w = labels[j.lang];

    await page.goto('/register');
    await ready(page, j.js);
    await axe(page, j.js, `find my account (${j.lang})`);
    await page.getByText(w.whereNumbers).click();
    await expect(page.locator('details.help img')).toBeVisible();

    // A missing hyphen: a clear message with an example, in the customer's language.
    await page.getByLabel(w.number).fill(j.number.replace('-', ''));
    await page.getByLabel(w.zip).fill('97501');
    await page.getByRole('button', { name: w.find }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: new RegExp(w.hyphenError) })).toBeVisible();
    await expect(page.getByLabel(w.number)).toHaveValue(j.number.replace('-', ''));
    await axe(page, j.js, `find my account with an error (${j.lang})`);

    await page.getByLabel(w.number).fill(` ${j.number.replace('-', ' – ')} `);
    await page.getByRole('button', { name: w.find }).click();
    await expect(page).toHaveURL(/\/register\/login$/);
    await expect(page.getByText(j.number)).toBeVisible();
    await ready(page, j.js);
    await axe(page, j.js, `create a login (${j.lang})`);

    const email = `journey-${j.lang}-${j.js ? 'js' : 'nojs'}@example.com`;
    await page.getByLabel(w.email).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill('short');
    await page.getByLabel(w.confirm).fill('short');
    await page.getByRole('button', { name: w.create }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await axe(page, j.js, `create a login with errors (${j.lang})`);

    await page.getByLabel(w.email).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill('quiet river morning walk');
    await page.getByLabel(w.confirm).fill('quiet river morning walk');
    await page.getByLabel(w.terms).check();
    await page.getByRole('button', { name: w.create }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 2, name: new RegExp(`${w.payment.replace('#', '\\#')}\\s*${j.number}`) })).toBeVisible();
    await ready(page, j.js);
    await axe(page, j.js, `account overview (${j.lang})`);

    await page.getByRole('button', { name: w.signOut }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/sign-in/);
    await ready(page, j.js);
    await axe(page, j.js, `sign in (${j.lang})`);

    await page.getByLabel(w.email).fill(email);
    await page.getByLabel(w.password, { exact: true }).fill('quiet river morning walk');
    await page.getByRole('button', { name: w.signIn, exact: true }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByText(j.number)).toBeVisible();
    await context.close();
  });
}
