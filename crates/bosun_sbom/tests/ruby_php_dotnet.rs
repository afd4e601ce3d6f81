//! Gemspecs (written by Ruby's `Gem::Specification#to_ruby`, and every gemspec that
//! this machine's Ruby installed, checked against `Gem::Specification.load`), composer
//! `installed.json` in both shapes, and a .NET `deps.json`.

mod support;

use bosun_sbom::catalog::{dotnet, php, ruby};
use support::{run, sh, triples, wants};

fn s(x: &str) -> String {
    x.to_string()
}

const TO_RUBY: &str = r#"
spec = Gem::Specification.new do |s|
  s.name = "bosun-gem"
  s.version = "1.2.3"
  s.licenses = ["MIT", "Apache-2.0"]
  s.summary = "a gem"
  s.authors = ["bosun"]
  s.files = []
  s.add_runtime_dependency "rake", ">= 13.0"
end
print spec.to_ruby
"#;

#[test]
fn gemspec_written_by_rubygems() {
    let Some(ruby_bin) = bosun_testkit::tool("ruby") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(text) = sh(&ruby_bin, &["-e", TO_RUBY], dir.path(), &[]) else {
        return;
    };
    let cat = ruby::ruby();
    let path = "/usr/local/bundle/specifications/bosun-gem-1.2.3.gemspec";
    let sink = run(&*cat, path, text.as_bytes(), 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [(s("bosun-gem"), s("1.2.3"), s("pkg:gem/bosun-gem@1.2.3"))]
    );
    assert_eq!(sink.packages[0].licenses, ["MIT", "Apache-2.0"]);
    assert!(wants(
        &*cat,
        "/usr/lib/ruby/gems/3.1.0/specifications/default/a-1.gemspec",
        9,
        0o644
    ));
    assert!(wants(
        &*cat,
        "/usr/share/rubygems-integration/all/specifications/a-1.gemspec",
        9,
        0o644
    ));
    assert!(!wants(&*cat, "/src/a.gemspec", 9, 0o644));
    let sink = run(
        &*cat,
        path,
        b"Gem::Specification.new do |s|\n  s.name = NAME\nend\n",
        0o644,
    );
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert_eq!(sink.warnings[0].path, path);
}

const LOAD_ALL: &str = r#"
dirs = [Gem.default_specifications_dir, "/usr/share/rubygems-integration/all/specifications"]
dirs.each do |d|
  Dir[File.join(d, "*.gemspec")].sort.each do |f|
    s = Gem::Specification.load(f)
    puts [f, s.name, s.version.to_s, s.licenses.join(",")].join("\t") if s
  end
end
"#;

#[test]
fn every_installed_gemspec_matches_rubygems_own_reading() {
    let Some(ruby_bin) = bosun_testkit::tool("ruby") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let Some(listing) = sh(&ruby_bin, &["-e", LOAD_ALL], dir.path(), &[]) else {
        return;
    };
    let cat = ruby::ruby();
    let mut seen = 0;
    for line in listing.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let body = std::fs::read(f[0]).unwrap();
        let sink = run(&*cat, f[0], &body, 0o644);
        assert_eq!(sink.warnings, [], "{}", f[0]);
        assert_eq!(sink.packages.len(), 1, "{}", f[0]);
        let p = &sink.packages[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            (f[1], f[2]),
            "{}",
            f[0]
        );
        let licenses: Vec<&str> = f
            .get(3)
            .map_or(vec![], |l| l.split(',').filter(|x| !x.is_empty()).collect());
        assert_eq!(p.licenses, licenses, "{}", f[0]);
        seen += 1;
    }
    // Ruby 3.1 ships dozens of default gems; an empty listing means the test read nothing.
    assert!(seen > 10, "only {seen} gemspecs found");
    eprintln!("{seen} installed gemspecs read like RubyGems reads them");
}

const COMPOSER_V2: &str = r#"{
    "packages": [
        {"name": "monolog/monolog", "version": "2.9.1", "version_normalized": "2.9.1.0",
         "type": "library", "license": ["MIT"]},
        {"name": "symfony/polyfill-mbstring", "version": "v1.27.0",
         "version_normalized": "1.27.0.0", "license": ["MIT"]}
    ],
    "dev": true,
    "dev-package-names": []
}"#;

const COMPOSER_V1: &str = r#"[
    {"name": "psr/log", "version": "1.1.4", "version_normalized": "1.1.4.0",
     "license": ["MIT"], "type": "library"},
    {"name": "old/single", "version": "0.1", "license": "BSD-3-Clause"}
]"#;

#[test]
fn composer_installed_json_both_shapes() {
    let cat = php::php();
    let path = "/var/www/vendor/composer/installed.json";
    let sink = run(&*cat, path, COMPOSER_V2.as_bytes(), 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (
                s("monolog/monolog"),
                s("2.9.1"),
                s("pkg:composer/monolog/monolog@2.9.1")
            ),
            (
                s("symfony/polyfill-mbstring"),
                s("v1.27.0"),
                s("pkg:composer/symfony/polyfill-mbstring@v1.27.0")
            ),
        ]
    );
    assert_eq!(sink.packages[0].namespace.as_deref(), Some("monolog"));
    assert_eq!(sink.packages[0].licenses, ["MIT"]);
    let sink = run(&*cat, path, COMPOSER_V1.as_bytes(), 0o644);
    assert_eq!(
        triples(&sink),
        [
            (s("old/single"), s("0.1"), s("pkg:composer/old/single@0.1")),
            (s("psr/log"), s("1.1.4"), s("pkg:composer/psr/log@1.1.4")),
        ]
    );
    let single = sink
        .packages
        .iter()
        .find(|p| p.name == "old/single")
        .unwrap();
    assert_eq!(single.licenses, ["BSD-3-Clause"]);
    let sink = run(&*cat, path, b"{\"packages\": 3}", 0o644);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert!(!wants(&*cat, "/var/www/installed.json", 9, 0o644));
}

const DEPS_JSON: &str = r#"{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0", "signature": ""},
  "targets": {".NETCoreApp,Version=v8.0": {
      "WebApp/1.0.0": {"dependencies": {"Newtonsoft.Json": "13.0.3"}, "runtime": {"WebApp.dll": {}}},
      "Newtonsoft.Json/13.0.3": {"runtime": {"lib/net6.0/Newtonsoft.Json.dll": {}}},
      "Serilog/3.1.1": {}
  }},
  "libraries": {
    "WebApp/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": true,
      "sha512": "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==",
      "path": "newtonsoft.json/13.0.3", "hashPath": "newtonsoft.json.13.0.3.nupkg.sha512"},
    "Serilog/3.1.1": {"type": "package", "serviceable": true, "sha512": "", "path": "serilog/3.1.1"}
  }
}"#;

#[test]
fn dotnet_deps_json_lists_packages_not_projects() {
    let cat = dotnet::dotnet();
    let path = "/app/WebApp.deps.json";
    let sink = run(&*cat, path, DEPS_JSON.as_bytes(), 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (
                s("Newtonsoft.Json"),
                s("13.0.3"),
                s("pkg:nuget/Newtonsoft.Json@13.0.3")
            ),
            (s("Serilog"), s("3.1.1"), s("pkg:nuget/Serilog@3.1.1")),
        ]
    );
    let sink = run(&*cat, path, b"not json", 0o644);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
    assert_eq!(sink.warnings[0].path, path);
}

#[test]
fn nuget_lock_file_and_packages_config() {
    let cat = dotnet::nuget();
    let lock = r#"{"version":1,"dependencies":{
        "net8.0":{"Newtonsoft.Json":{"type":"Direct","requested":"[13.0.3, )","resolved":"13.0.3"},
                  "Serilog":{"type":"Transitive","resolved":"3.1.1"},
                  "MyLib":{"type":"Project"}},
        "net6.0":{"Newtonsoft.Json":{"type":"Direct","resolved":"13.0.1"}}}}"#;
    let sink = run(&*cat, "/src/App/packages.lock.json", lock.as_bytes(), 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (
                s("Newtonsoft.Json"),
                s("13.0.1"),
                s("pkg:nuget/Newtonsoft.Json@13.0.1")
            ),
            (
                s("Newtonsoft.Json"),
                s("13.0.3"),
                s("pkg:nuget/Newtonsoft.Json@13.0.3")
            ),
            (s("Serilog"), s("3.1.1"), s("pkg:nuget/Serilog@3.1.1")),
        ]
    );
    let config = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  \
        <package id=\"jQuery\" version=\"3.7.1\" targetFramework=\"net48\" />\n  \
        <package id=\"Microsoft.Web.Infrastructure\" version=\"2.0.0\" developmentDependency=\"true\" />\n  \
        <package id=\"NoVersion\" />\n</packages>\n";
    let sink = run(
        &*cat,
        "/inetpub/web/packages.config",
        config.as_bytes(),
        0o644,
    );
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [(s("jQuery"), s("3.7.1"), s("pkg:nuget/jQuery@3.7.1"))]
    );
    for (path, bad) in [
        ("/a/packages.lock.json", &b"{\"dependencies\": 3}"[..]),
        ("/a/packages.config", b"<packages><package id=\"x\""),
        ("/a/packages.config", b"\xff\xfe<"),
        // Entity expansion (a billion laughs) needs a DTD, which is refused.
        (
            "/a/packages.config",
            b"<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><packages><package id=\"&c;\" version=\"1\"/></packages>",
        ),
    ] {
        let sink = run(&*cat, path, bad, 0o644);
        assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1), "{path}");
        assert_eq!(sink.warnings[0].path, path);
    }
    assert!(!wants(&*cat, "/a/packages.json", 10, 0o644));
}

/// `composer.lock`: its `packages`, not its `packages-dev` (syft 1.18 and trivy 0.59
/// both list monolog and psr/log, and not phpunit, for this file).
#[test]
fn composer_lock_without_dev_packages() {
    let cat = php::composer_lock();
    assert!(cat.declared());
    let lock = r#"{"packages":[{"name":"monolog/monolog","version":"3.5.0","license":["MIT"]},
        {"name":"psr/log","version":"v3.0.0"}],
        "packages-dev":[{"name":"phpunit/phpunit","version":"10.5.3"}]}"#;
    let sink = run(&*cat, "/src/composer.lock", lock.as_bytes(), 0o644);
    assert_eq!(sink.warnings, []);
    assert_eq!(
        triples(&sink),
        [
            (
                s("monolog/monolog"),
                s("3.5.0"),
                s("pkg:composer/monolog/monolog@3.5.0")
            ),
            (s("psr/log"), s("v3.0.0"), s("pkg:composer/psr/log@v3.0.0")),
        ]
    );
    let sink = run(&*cat, "/src/composer.lock", b"[1, 2]", 0o644);
    assert_eq!((sink.packages.len(), sink.warnings.len()), (0, 1));
}
