//! `helpsite init DIR`: a minimal site that builds at once with the built-in theme.

use std::fs;
use std::io;
use std::path::Path;

const CONFIG: &str = "title: My Help Site
base_url: https://help.example.com/
source_locale: en-US
locales:
  - code: en-US
    name: English
";

const HOME: &str = "---
title: Welcome
description: Start here to find answers.
ms.date: 01/01/2026
ms.topic: landing-page
---

# Welcome

This is the home page of your help site. Add articles as Markdown files beside it
and list them in `toc.yml`.

> [!TIP]
> Run `helpsite serve` to preview the site while you write.

- [Get started](get-started.md)
";

const START: &str = "---
title: Get started
description: The first article of the site.
ms.date: 01/01/2026
ms.topic: how-to
---

# Get started

## Write an article

Create a `.md` file with front matter (`title`, `description`, `ms.date`) and link to it
from other articles with a relative path, for example [the home page](index.md).
";

const TOC: &str = "- name: Welcome
  href: index.md
- name: Get started
  href: get-started.md
";

/// Creates the site; refuses to overwrite an existing `helpsite.yml`.
pub fn init(dir: &Path) -> io::Result<()> {
    if dir.join(crate::config::CONFIG_FILE).exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already has a helpsite.yml", dir.display()),
        ));
    }
    let content = dir.join("content/en-us");
    fs::create_dir_all(&content)?;
    fs::write(dir.join(crate::config::CONFIG_FILE), CONFIG)?;
    fs::write(content.join("index.md"), HOME)?;
    fs::write(content.join("get-started.md"), START)?;
    fs::write(content.join("toc.yml"), TOC)?;
    // The output and the build cache are made by every build: neither belongs in git.
    fs::write(dir.join(".gitignore"), "/public\n/.helpsite-cache/\n")?;
    Ok(())
}
