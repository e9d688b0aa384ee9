import { expect, Page, BrowserContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { labels, Lang } from './labels';

/** Waits until the WebAssembly has hydrated the page's islands. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Opens the Billing menu and closes it by Escape, which only its island does. */
export async function expectBillingMenuClosesOnEscape(page: Page) {
  const billing = page.locator('details.nav-dropdown');
  await billing.locator('summary').click();
  await expect(billing).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(billing).not.toHaveAttribute('open', '');
  await expect(billing.locator('summary')).toBeFocused();
}

/** Chooses the language the way a customer's earlier choice would: the `lang` cookie. */
export async function useLanguage(context: BrowserContext, baseURL: string, lang: Lang) {
  await context.addCookies([{ name: 'lang', value: lang, url: baseURL }]);
}

/** Fails with the list of violations if axe finds any (WCAG 2.x A and AA rules). */
export async function expectNoAxeViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations on ${label}`).toEqual([]);
}

export interface Mail { subject: string; text: string; html: string }

/** The messages the test SMTP server (maildev, started by scripts/test.sh) holds for `to`,
 * waiting until there are at least `count`. */
export async function mailTo(to: string, count = 1): Promise<Mail[]> {
  const api = process.env.MAILDEV_URL ?? 'http://127.0.0.1:1080';
  let found: Mail[] = [];
  for (let i = 0; i < 100 && found.length < count; i++) {
    const all = (await (await fetch(`${api}/email`)).json()) as Array<{ to: { address: string }[] } & Mail>;
    found = all.filter((m) => m.to.some((r) => r.address.toLowerCase() === to.toLowerCase()));
    if (found.length < count) await new Promise((r) => setTimeout(r, 100));
  }
  expect(found.length, `emails to ${to}`).toBeGreaterThanOrEqual(count);
  return found;
}

/** The first link in a message's text that starts with `prefix`. */
export function linkIn(mail: Mail, prefix: string): string {
  const link = mail.text.split(/\s+/).find((w) => w.startsWith(prefix));
  expect(link, `a link starting ${prefix} in "${mail.subject}"`).toBeTruthy();
  return link!;
}

/** Registers a login for a fixture account (ZIP 97501) and lands signed in on the overview. */
export async function registerAndSignIn(page: Page, lang: Lang, number: string, email: string, password = 'quiet river morning walk') {
  const w = labels[lang];
  await page.goto('/register');
  await page.getByLabel(w.number).fill(number);
  await page.getByLabel(w.zip).fill('97501');
  await page.getByRole('button', { name: w.find }).click();
  await expect(page).toHaveURL(/\/register\/login$/);
  await page.getByLabel(w.email).fill(email);
  await page.getByLabel(w.password, { exact: true }).fill(password);
  await page.getByLabel(w.confirm).fill(password);
  await page.getByLabel(w.terms).check();
  await page.getByRole('button', { name: w.create }).click();
  await expect(page).toHaveURL(/\/account$/);
}
