//! A whole page: arbitrary Markdown as the body of a one-page site (with an include, a snippet
//! and a second page to link to), checked by the library (`check_only`: nothing written).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let write = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "helpsite.yml",
            "title: T\nbase_url: https://help.example.com/\nsource_locale: en-US\nlocales:\n  - code: en-US\n    name: English\n",
        );
        write("content/en-us/other.md", "---\ntitle: Other\n---\n## Frag\n");
        write("content/en-us/includes/inc.md", "Included [!NOTE] text.\n");
        write("content/en-us/snippet.cs", "int a;\n// <x>\nint b;\n// </x>\n");
        dir
    })
}

fuzz_target!(|body: &str| {
    let root = site();
    std::fs::write(
        root.join("content/en-us/index.md"),
        format!("---\ntitle: Fuzz\n---\n{body}"),
    )
    .unwrap();
    let report = helpsite::build(&helpsite::BuildOptions {
        site: root.clone(),
        out: None,
        strict: false,
        check_only: true,
            no_cache: true,
        ..Default::default()
    });
    assert!(report.is_ok());
});
