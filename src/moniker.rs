//! Monikers (product versions) and DocFX moniker range expressions.
//!
//! A site's monikers are an ordered list: `monikers:` in `helpsite.yml`, else the monikers
//! named by the page's docset's `moniker_ranges` in the publish configuration, in the order
//! they appear there. A range (`::: moniker range="..."`) is evaluated against that list:
//! `||` separates alternatives, spaces join comparisons that must all hold, and a comparison
//! is `=x`, `>=x`, `<=x`, `>x`, `<x` or a bare `x` (same as `=x`), ordered by the list.

use crate::config::MonikerConfig;

/// One moniker of a page: its name and the name readers see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moniker {
    pub name: String,
    pub display: String,
}

/// The ordered monikers for a page: from `monikers:` when set, else from the docset's
/// `moniker_ranges`; empty when the site has no moniker configuration.
pub fn monikers_for(config: &[MonikerConfig], docset_ranges: &[String]) -> Vec<Moniker> {
    if !config.is_empty() {
        return config
            .iter()
            .map(|m| Moniker {
                name: m.name.clone(),
                display: m
                    .display
                    .clone()
                    .unwrap_or_else(|| fallback_display(&m.name)),
            })
            .collect();
    }
    let mut names: Vec<String> = Vec::new();
    for range in docset_ranges {
        for alt in range.split("||") {
            for cmp in alt.split_whitespace() {
                let name = cmp.trim_start_matches(['=', '>', '<']);
                if !name.is_empty() && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
        .into_iter()
        .map(|name| Moniker {
            display: fallback_display(&name),
            name,
        })
        .collect()
}

/// A readable name for a moniker without a display name: `o365-21vianet` becomes
/// `O365 21vianet` (separators become spaces, the first letter a capital).
pub fn fallback_display(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let spaced = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_string(),
    }
}

/// Why a range could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError(pub String);

/// The indexes (into `monikers`) of the monikers the range `expr` covers, in order. A
/// comparison naming a moniker that is not in the list holds for none.
pub fn covers(expr: &str, monikers: &[Moniker]) -> Result<Vec<usize>, RangeError> {
    let mut alternatives = Vec::new();
    for alt in expr.split("||") {
        let mut cmps = Vec::new();
        for cmp in alt.split_whitespace() {
            let (op, name) = [">=", "<=", "=", ">", "<"]
                .iter()
                .find_map(|op| cmp.strip_prefix(op).map(|rest| (*op, rest)))
                .unwrap_or(("=", cmp));
            if name.is_empty() || name.starts_with(['=', '>', '<']) {
                return Err(RangeError(format!("`{cmp}` is not a comparison")));
            }
            cmps.push((op, monikers.iter().position(|m| m.name == name)));
        }
        if cmps.is_empty() {
            return Err(RangeError(if expr.trim().is_empty() {
                "the range is empty".into()
            } else {
                "an alternative of `||` is empty".into()
            }));
        }
        alternatives.push(cmps);
    }
    Ok((0..monikers.len())
        .filter(|&i| {
            alternatives.iter().any(|cmps| {
                cmps.iter().all(|&(op, at)| {
                    at.is_some_and(|at| match op {
                        ">=" => i >= at,
                        "<=" => i <= at,
                        ">" => i > at,
                        "<" => i < at,
                        _ => i == at,
                    })
                })
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> Vec<Moniker> {
        names
            .iter()
            .map(|n| Moniker {
                name: n.to_string(),
                display: fallback_display(n),
            })
            .collect()
    }

    #[test]
    fn range_syntax() {
        let m = list(&["v1", "v2", "v3", "v4"]);
        assert_eq!(covers("v2", &m).unwrap(), vec![1]);
        assert_eq!(covers("=v2", &m).unwrap(), vec![1]);
        assert_eq!(covers(">=v2", &m).unwrap(), vec![1, 2, 3]);
        assert_eq!(covers(">v2", &m).unwrap(), vec![2, 3]);
        assert_eq!(covers("<=v2", &m).unwrap(), vec![0, 1]);
        assert_eq!(covers("<v2", &m).unwrap(), vec![0]);
        assert_eq!(covers(">=v2 <v4", &m).unwrap(), vec![1, 2]);
        assert_eq!(covers("=v1 || >v3", &m).unwrap(), vec![0, 3]);
        assert_eq!(covers("  =v1   ||   =v3 ", &m).unwrap(), vec![0, 2]);
        assert_eq!(covers("=v9", &m).unwrap(), Vec::<usize>::new());
        assert_eq!(covers(">=v9 || =v4", &m).unwrap(), vec![3]);
        assert!(covers("=v1 ||", &m).is_err());
        assert!(covers("==v1", &m).is_err());
        assert!(covers("", &m).is_err());
    }

    #[test]
    fn monikers_from_config_or_docset() {
        let config = vec![
            MonikerConfig {
                name: "o365-worldwide".into(),
                display: Some("Office 365 (worldwide)".into()),
            },
            MonikerConfig {
                name: "o365-21vianet".into(),
                display: None,
            },
        ];
        let m = monikers_for(&config, &["=other".into()]);
        assert_eq!(m[0].display, "Office 365 (worldwide)");
        assert_eq!(m[1].display, "O365 21vianet");
        let m = monikers_for(
            &[],
            &["=o365-worldwide || =o365-21vianet || =o365-germany".into()],
        );
        let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["o365-worldwide", "o365-21vianet", "o365-germany"]);
        assert!(monikers_for(&[], &[]).is_empty());
    }
}
