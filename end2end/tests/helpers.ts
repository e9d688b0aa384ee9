import { expect, Page, BrowserContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Waits until the WebAssembly has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Chooses the language the way a customer's earlier choice would: the `lang` cookie. */
export async function useLanguage(context: BrowserContext, baseURL: string, lang: 'en' | 'es') {
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
