//! Partly masked names and addresses, as Quick Pay shows them to someone who only typed an
//! account number and a ZIP code: enough to see it is the right bill ("R*** D******,
//! 1209 W M*** St"), not enough to learn who lives where.

/// Street words kept as they are: they tell nothing about the place.
const KEPT_WORDS: &[&str] = &[
    "ST", "AVE", "AV", "RD", "DR", "LN", "BLVD", "CT", "WAY", "PL", "PKWY", "HWY", "CIR", "TER",
    "TRL", "LOOP", "SQ", "N", "S", "E", "W", "NE", "NW", "SE", "SW", "APT", "UNIT", "STE",
];

/// The first letter of each word, the rest as `*`, one per letter.
pub fn name(full: &str) -> String {
    full.split_whitespace().map(word).collect::<Vec<_>>().join(" ")
}

/// House numbers, directions and street types as they are; every other word as its first
/// letter and `*`.
pub fn address(street: &str) -> String {
    street
        .split_whitespace()
        .map(|w| {
            let bare = w.trim_end_matches(['.', ',']);
            let keep = bare.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '#')
                || KEPT_WORDS.contains(&bare.to_ascii_uppercase().as_str());
            if keep {
                w.to_string()
            } else {
                word(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn word(w: &str) -> String {
    let mut chars = w.chars();
    let first: String = chars.next().into_iter().collect();
    first + &"*".repeat(chars.count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_initials_and_lengths() {
        assert_eq!(name("Rosa Delgado"), "R*** D******");
        assert_eq!(name("  María  López "), "M**** L****");
        assert_eq!(name(""), "");
    }

    #[test]
    fn an_address_keeps_numbers_directions_and_street_types() {
        assert_eq!(address("1209 W Main St"), "1209 W M*** St");
        assert_eq!(address("88 Oak Hollow Ave., Apt 4B"), "88 O** H***** Ave., Apt 4*");
        assert_eq!(address("2200 Siskiyou Blvd"), "2200 S******* Blvd");
    }
}
