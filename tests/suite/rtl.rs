//! Right-to-left pages: technical values written in plain prose are isolated left to right
//! (`<bdi dir="ltr">`), on Arabic pages only, never in code, alt text, attributes or raw HTML.

use std::fs;

use crate::support::{build_elsewhere, content_inner, fixtures_dir};

#[test]
fn arabic_prose_values_are_isolated() {
    let built = build_elsewhere(&fixtures_dir().join("rtl"));
    assert_eq!(built.run.code, Some(0), "stderr:\n{}", built.run.stderr);
    let page = |locale: &str| {
        let path = built.out.join(locale).join("values/index.html");
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let ar = content_inner(&page("ar-sa"));
    insta::assert_snapshot!("arabic_values", ar);
    for value in [
        "/etc/postfix/main.cf",
        "C:\\Program Files\\Contoso\\",
        "192.0.2.1",
        "2001:db8::25",
        "550 5.7.1",
        "10-20",
        "10:30",
        "mail.example.com",
        "postmaster@example.com",
        "https://sender.example/delist?ip=192.0.2.1",
        "-all",
        "421 4.7.0",
        "2.4.1",
        ".iso",
    ] {
        let wrapped = format!("<bdi dir=\"ltr\">{value}</bdi>");
        assert!(ar.contains(&wrapped), "{wrapped} not in:\n{ar}");
    }
    // Plain numbers, code, keys, autolinks and alt text are not wrapped.
    for left in [
        "40,000",
        "0.3%",
        "3 ",
        "v=spf1 -all",
        "Ctrl+C",
        "/var/log/mail.log",
    ] {
        assert!(
            !ar.contains(&format!("<bdi dir=\"ltr\">{left}")),
            "{left} wrapped in:\n{ar}"
        );
    }
    assert!(ar.contains("alt=\"المسار /var/log/mail.log\""), "{ar}");
    assert!(
        ar.contains("dir=\"ltr\">https://sender.example/help</a>"),
        "{ar}"
    );
    // A left-to-right page with the same values is written as it always was.
    let en = content_inner(&page("en-us"));
    assert!(!en.contains("<bdi"), "{en}");
}
