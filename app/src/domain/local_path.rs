//! Where the portal may send a browser back to after a detour (the language switch, the
//! refusal page's "Go back"): a path on the portal itself, never another site.
//!
//! A browser reads a redirect target as a WHATWG URL: it strips tabs and newlines anywhere,
//! trims leading and trailing C0 controls and spaces, and treats `\` as `/` in http(s)
//! URLs. So `/\t/evil.example`, `/\evil.example` and ` //evil.example` all reach
//! `//evil.example`, another host. A [`local_path`] starts with exactly one `/` and holds
//! no character that parsing would strip, trim or turn into a slash: what is left has no
//! scheme and no host, so it stays on the portal's origin.
//!
//! Percent-encoded forms (`/%2F/evil.example`, `/%5Cevil`, `/%09/x`) are accepted: a browser
//! does not decode them while parsing, so they are paths on the portal (at worst a 404).

/// `raw` when it is a path on the portal's own origin, else `None`.
pub fn local_path(raw: &str) -> Option<&str> {
    let mut chars = raw.chars();
    // Exactly one leading slash: `//host` and `/\host` name another host.
    if chars.next() != Some('/') || matches!(chars.next(), Some('/' | '\\')) {
        return None;
    }
    // Anything a browser strips, trims or reads as a slash could rebuild `//` above.
    if raw.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) {
        return None;
    }
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    /// Known ways past a naive "starts with `/`" check, each of which a browser resolves
    /// to another origin (or to a scheme that runs script).
    const BYPASSES: &[&str] = &[
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\\/evil",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "\t//evil.example",
        " /evil",
        " //evil.example",
        "\t/evil",
        "\u{0}//evil.example",
        "/\u{0}/evil.example",
        "/\u{1F}/evil.example",
        "/\u{7F}/evil.example",
        "/\u{85}/evil.example",
        "/\u{A0}/evil.example",
        "/\u{3000}/evil.example",
        "https://evil.example",
        "http:/evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        // Same origin as parsed (evil.example is a user name), but a reader sees another
        // site in it; refused with every other `//`.
        "//evil.example@portal.test",
        "///evil.example",
        "evil.example",
        "",
        "/faq\u{0}",
        "/faq\n",
    ];

    const LOCAL: &[&str] = &[
        "/",
        "/faq",
        "/billing/settings/wallet?done=added",
        "/register?x=1#top",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
        "/.//evil.example",
        "/pagó",
        "/a//b",
    ];

    #[test]
    fn bypasses_of_a_naive_check_are_refused() {
        for raw in BYPASSES {
            assert_eq!(local_path(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn the_portals_own_paths_are_kept_as_they_are() {
        for raw in LOCAL {
            assert_eq!(local_path(raw), Some(*raw), "{raw:?}");
        }
    }

    /// The browser's own reading, through the WHATWG URL parser: what is accepted stays
    /// on the portal's origin, and every bypass above really would have left it (or
    /// changed the scheme), so the list tests something.
    #[test]
    fn a_browser_resolves_every_accepted_path_to_the_same_origin() {
        let base = url::Url::parse("https://portal.test/billing/settings").unwrap();
        for raw in LOCAL {
            assert_eq!(base.join(raw).unwrap().origin(), base.origin(), "{raw:?}");
        }
        for raw in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            " //evil.example",
            "\\/evil.example",
            "/\\/evil",
            "https://evil.example",
            "http:/evil.example",
        ] {
            let joined = base.join(raw).unwrap();
            assert_ne!(
                joined.origin(),
                base.origin(),
                "{raw:?} was meant to be a real bypass: {joined}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn whatever_is_accepted_stays_on_the_portal(raw in "[/\\\\ \t\n\r\u{0}\u{B}a-z:.@%0-9?#]{0,12}") {
            if let Some(path) = local_path(&raw) {
                let base = url::Url::parse("https://portal.test/x").unwrap();
                let joined = base.join(path).unwrap();
                proptest::prop_assert_eq!(joined.origin(), base.origin(), "{:?} -> {}", raw, joined);
            }
        }
    }
}
