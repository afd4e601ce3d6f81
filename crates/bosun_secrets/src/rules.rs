//! The detector table. Patterns are written for bosun (vendor token formats are public
//! facts; the structure follows the keyword-prefiltered design described in the
//! image-checks anchor). Each pattern has a named group `s`, the secret value, and
//! optionally `k`, the key it was assigned to.

use crate::{Confidence, Severity};

/// Id of the catch-all `password=`/`secret:`/`token=` detector.
pub const GENERIC_RULE_ID: &str = "generic-secret-assignment";
/// Id of the match [`crate::check_assignment`] makes for a literal value of a
/// secret-named variable.
pub const NAMED_VALUE_RULE_ID: &str = "secret-named-variable";

/// Extra validation a rule needs beyond its regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    None,
    /// `k` must be a secret name; `s` must not be a placeholder; confidence by entropy.
    Generic,
    /// `s` must not be a placeholder (URL passwords, `.npmrc`, `.netrc`, XML).
    NotPlaceholder,
    /// `s` is base64 of `user:password`.
    DockerAuth,
    /// `s` is a JWT whose header decodes to JSON with `"alg"`.
    Jwt,
    /// `s` is a PEM header: extend to the END line and require a body.
    PrivateKey,
    /// Not a placeholder; a weak password is `Low`.
    UrlPassword,
    /// Not a placeholder, not inside an XML comment.
    Xml,
}

pub(crate) struct RuleDef {
    pub id: &'static str,
    pub description: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Lower-case literals, one of which must occur in the input for the rule to run.
    pub keywords: &'static [&'static str],
    pub pattern: &'static str,
    /// Require a non-identifier byte (or the start) before `s` and a non-alphanumeric
    /// byte (or the end) after it.
    pub boundary: bool,
    pub check: Check,
}

/// Public description of one detector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub description: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
}

/// Every detector, in priority order (on overlapping matches of equal confidence the
/// earlier rule wins).
pub fn rules() -> Vec<RuleInfo> {
    let mut v: Vec<RuleInfo> = RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.id,
            description: r.description,
            severity: r.severity,
            confidence: r.confidence,
        })
        .collect();
    v.push(RuleInfo {
        id: NAMED_VALUE_RULE_ID,
        description: "Literal value of a secret-named variable",
        severity: Severity::Error,
        confidence: Confidence::Medium,
    });
    v
}

use Check as C;
use Confidence::{High, Medium};
use Severity::{Critical, Error, Warning};

const fn rule(
    id: &'static str,
    description: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    pattern: &'static str,
) -> RuleDef {
    RuleDef {
        id,
        description,
        severity,
        confidence: High,
        keywords,
        pattern,
        boundary: true,
        check: C::None,
    }
}

const fn with(mut r: RuleDef, confidence: Confidence, boundary: bool, check: Check) -> RuleDef {
    r.confidence = confidence;
    r.boundary = boundary;
    r.check = check;
    r
}

pub(crate) static RULES: &[RuleDef] = &[
    // --- structured credentials -------------------------------------------------
    with(
        rule(
            "gcp-service-account-key",
            "Google Cloud service-account key (JSON)",
            Critical,
            &["service_account"],
            r#""private_key"\s*:\s*"(?P<s>-----BEGIN[^"]{30,})""#,
        ),
        High,
        false,
        C::None,
    ),
    with(
        rule(
            "private-key",
            "Private key (PEM)",
            Error,
            &["private key"],
            r"-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----",
        ),
        High,
        false,
        C::PrivateKey,
    ),
    with(
        rule(
            "docker-config-auth",
            "Registry credentials in a Docker config (`auth`)",
            Error,
            &["\"auth\""],
            r#""auth"\s*:\s*"(?P<s>[A-Za-z0-9+/=]{6,})""#,
        ),
        High,
        false,
        C::DockerAuth,
    ),
    with(
        rule(
            "docker-config-identity-token",
            "Registry identity token in a Docker config",
            Error,
            &["identitytoken", "registrytoken"],
            r#""(?:identitytoken|registrytoken)"\s*:\s*"(?P<s>[^"\s]{16,})""#,
        ),
        High,
        false,
        C::NotPlaceholder,
    ),
    rule(
        "kubernetes-dockerconfigjson",
        "Registry credentials in a Kubernetes pull secret",
        Error,
        &["dockerconfigjson", "dockercfg"],
        r#"(?i)\.(?:dockerconfigjson|dockercfg)["']?\s*:\s*["']?(?P<s>e[wy][A-Za-z0-9/+=]{20,})"#,
    ),
    // --- cloud providers ----------------------------------------------------------
    rule(
        "aws-access-key-id",
        "AWS access key ID",
        Error,
        &["akia", "asia", "a3t"],
        r"(?P<s>(?:A3T[A-Z0-9]|AKIA|ASIA)[A-Z2-7]{16})",
    ),
    with(
        rule(
            "aws-secret-access-key",
            "AWS secret access key",
            Critical,
            &["aws"],
            r#"(?i)(?P<k>aws_?(?:sec(?:ret)?)?_?(?:access)?_?key)["']?\s*(?:=>|:=|=|:)?\s*["']?(?P<s>[A-Za-z0-9/+=]{40})"#,
        ),
        High,
        true,
        C::None,
    ),
    rule(
        "google-api-key",
        "Google API key",
        Warning,
        &["aiza"],
        r"(?P<s>AIza[0-9A-Za-z_\-]{35})",
    ),
    rule(
        "azure-storage-account-key",
        "Azure storage account key",
        Critical,
        &["accountkey"],
        r"(?i)(?P<k>AccountKey)\s*=\s*(?P<s>[A-Za-z0-9+/]{86}==)",
    ),
    with(
        rule(
            "azure-sas-token",
            "Azure shared access signature",
            Error,
            &["sig="],
            r"sv=\d{4}-\d{2}-\d{2}[^\s'\x22<>]{0,400}?[&;]sig=(?P<s>[A-Za-z0-9%+/=]{40,})",
        ),
        High,
        false,
        C::None,
    ),
    rule(
        "azure-entra-client-secret",
        "Azure Entra ID client secret",
        Critical,
        &["8q~"],
        r"(?P<s>[A-Za-z0-9_~.\-]{3}8Q~[A-Za-z0-9_~.\-]{34})",
    ),
    rule(
        "alibaba-access-key-id",
        "Alibaba Cloud AccessKey ID",
        Error,
        &["ltai"],
        r"(?P<s>LTAI[A-Za-z0-9]{20})",
    ),
    rule(
        "digitalocean-token",
        "DigitalOcean token",
        Critical,
        &["dop_v1_", "doo_v1_", "dor_v1_"],
        r"(?P<s>do[opr]_v1_[a-f0-9]{64})",
    ),
    // --- source hosting and CI ------------------------------------------------------
    rule(
        "github-pat",
        "GitHub personal access token",
        Critical,
        &["ghp_"],
        r"(?P<s>ghp_[0-9A-Za-z]{36})",
    ),
    rule(
        "github-oauth",
        "GitHub OAuth access token",
        Critical,
        &["gho_"],
        r"(?P<s>gho_[0-9A-Za-z]{36})",
    ),
    rule(
        "github-app-token",
        "GitHub App token",
        Critical,
        &["ghu_", "ghs_"],
        r"(?P<s>gh[us]_[0-9A-Za-z]{36})",
    ),
    rule(
        "github-refresh-token",
        "GitHub refresh token",
        Critical,
        &["ghr_"],
        r"(?P<s>ghr_[0-9A-Za-z]{36,76})",
    ),
    rule(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        Critical,
        &["github_pat_"],
        r"(?P<s>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})",
    ),
    rule(
        "gitlab-token",
        "GitLab access token",
        Critical,
        &["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-"],
        r"(?P<s>gl(?:pat|dt|rt|ptt|cbt|oas)-[0-9A-Za-z_\-]{20,64})",
    ),
    rule(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        Error,
        &["gr1348941"],
        r"(?P<s>GR1348941[0-9A-Za-z_\-]{20})",
    ),
    rule(
        "bitbucket-app-password",
        "Bitbucket/Atlassian API token",
        Error,
        &["atatt3"],
        r"(?P<s>ATATT3[A-Za-z0-9_\-=]{150,250})",
    ),
    rule(
        "docker-hub-pat",
        "Docker Hub personal access token",
        Critical,
        &["dckr_pat_", "dckr_oat_"],
        r"(?P<s>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,})",
    ),
    // --- package registries ---------------------------------------------------------
    rule(
        "npm-access-token",
        "npm access token",
        Critical,
        &["npm_"],
        r"(?P<s>npm_[A-Za-z0-9]{36})",
    ),
    with(
        rule(
            "npmrc-auth",
            "npm registry credential in .npmrc",
            Error,
            &["_authtoken", "_auth", "_password"],
            r"(?im)(?:^|[\s:])(?P<k>_authToken|_auth|_password)\s*=\s*[\x22']?(?P<s>[^\s\x22']+)",
        ),
        Medium,
        false,
        C::NotPlaceholder,
    ),
    rule(
        "pypi-upload-token",
        "PyPI upload token",
        Critical,
        &["pypi-ageichlwas5vcmc"],
        r"(?P<s>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9\-_]{50,1000})",
    ),
    rule(
        "rubygems-api-token",
        "RubyGems API token",
        Error,
        &["rubygems_"],
        r"(?P<s>rubygems_[a-f0-9]{48})",
    ),
    rule(
        "nuget-api-key",
        "NuGet API key",
        Error,
        &["oy2"],
        r"(?P<s>oy2[a-z0-9]{43})",
    ),
    rule(
        "private-packagist-token",
        "Private Packagist token",
        Error,
        &["packagist_"],
        r"(?P<s>packagist_[ou][ru]t_[a-f0-9]{68})",
    ),
    rule(
        "crates-io-token",
        "crates.io API token",
        Error,
        &["cio"],
        r"(?P<s>cio[A-Za-z0-9]{32})",
    ),
    // --- chat, payments, SaaS ---------------------------------------------------------
    rule(
        "slack-token",
        "Slack token",
        Error,
        &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe"],
        r"(?P<s>xox(?:[baprs]|e(?:\.xox[bp])?)-[0-9A-Za-z\-]{10,250})",
    ),
    with(
        rule(
            "slack-webhook",
            "Slack incoming webhook URL",
            Warning,
            &["hooks.slack.com"],
            r"(?P<s>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,})",
        ),
        High,
        false,
        C::None,
    ),
    with(
        rule(
            "discord-webhook",
            "Discord webhook URL",
            Warning,
            &["discord"],
            r"(?P<s>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,})",
        ),
        High,
        false,
        C::None,
    ),
    rule(
        "stripe-secret-key",
        "Stripe live secret or restricted key",
        Critical,
        &["sk_live_", "rk_live_"],
        r"(?P<s>[sr]k_live_[0-9A-Za-z]{20,247})",
    ),
    rule(
        "stripe-test-key",
        "Stripe test secret key",
        Warning,
        &["sk_test_", "rk_test_"],
        r"(?P<s>[sr]k_test_[0-9A-Za-z]{20,247})",
    ),
    rule(
        "sendgrid-api-key",
        "SendGrid API key",
        Error,
        &["sg."],
        r"(?P<s>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})",
    ),
    rule(
        "twilio-api-key",
        "Twilio API key",
        Error,
        &["sk"],
        r"(?P<s>SK[0-9a-f]{32})",
    ),
    rule(
        "shopify-token",
        "Shopify access token",
        Error,
        &["shpss_", "shpat_", "shpca_", "shppa_"],
        r"(?P<s>shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32})",
    ),
    rule(
        "mailgun-api-key",
        "Mailgun API key",
        Error,
        &["key-"],
        r"(?P<s>key-[0-9a-f]{32})",
    ),
    rule(
        "sendinblue-api-key",
        "Brevo (Sendinblue) API key",
        Error,
        &["xkeysib-"],
        r"(?P<s>xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})",
    ),
    rule(
        "openai-api-key",
        "OpenAI API key",
        Critical,
        &["t3blbkfj"],
        r"(?P<s>sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,100}T3BlbkFJ[A-Za-z0-9_\-]{20,100})",
    ),
    rule(
        "anthropic-api-key",
        "Anthropic API key",
        Critical,
        &["sk-ant-"],
        r"(?P<s>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,120})",
    ),
    rule(
        "huggingface-token",
        "Hugging Face access token",
        Critical,
        &["hf_"],
        r"(?P<s>hf_[A-Za-z]{34,40})",
    ),
    rule(
        "databricks-token",
        "Databricks API token",
        Error,
        &["dapi"],
        r"(?P<s>dapi[a-f0-9]{32}(?:-[0-9])?)",
    ),
    rule(
        "hashicorp-vault-token",
        "HashiCorp Vault token",
        Critical,
        &["hvs.", "hvb."],
        r"(?P<s>hv[sb]\.[A-Za-z0-9_\-]{24,})",
    ),
    rule(
        "terraform-cloud-token",
        "Terraform Cloud API token",
        Error,
        &["atlasv1."],
        r"(?P<s>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70})",
    ),
    rule(
        "pulumi-token",
        "Pulumi access token",
        Error,
        &["pul-"],
        r"(?P<s>pul-[a-f0-9]{40})",
    ),
    rule(
        "doppler-token",
        "Doppler token",
        Error,
        &["dp.pt.", "dp.st.", "dp.sa."],
        r"(?P<s>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})",
    ),
    rule(
        "grafana-token",
        "Grafana service-account or cloud token",
        Error,
        &["glsa_", "glc_"],
        r"(?P<s>(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2}))",
    ),
    rule(
        "new-relic-api-key",
        "New Relic user API key",
        Error,
        &["nrak-"],
        r"(?P<s>NRAK-[A-Z0-9]{27})",
    ),
    rule(
        "sentry-token",
        "Sentry auth token",
        Error,
        &["sntrys_", "sntryu_"],
        r"(?P<s>sntry[su]_[A-Za-z0-9+/=_\-]{40,})",
    ),
    rule(
        "postman-api-key",
        "Postman API key",
        Error,
        &["pmak-"],
        r"(?P<s>PMAK-[a-f0-9]{24}-[a-f0-9]{34})",
    ),
    rule(
        "linear-api-key",
        "Linear API key",
        Error,
        &["lin_api_"],
        r"(?P<s>lin_api_[A-Za-z0-9]{40})",
    ),
    rule(
        "planetscale-token",
        "PlanetScale password or token",
        Error,
        &["pscale_"],
        r"(?P<s>pscale_(?:pw|tkn|oauth)_[A-Za-z0-9_\-.]{32,64})",
    ),
    rule(
        "age-secret-key",
        "age encryption secret key",
        Error,
        &["age-secret-key-1"],
        r"(?P<s>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
    ),
    rule(
        "symfony-default-secret",
        "Symfony default application secret",
        Error,
        &["tokenisnotsosecret"],
        r"(?P<s>ThisTokenIsNotSoSecretChangeIt|ThisEzPlatformTokenIsNotSoSecret_PleaseChangeIt)",
    ),
    with(
        rule(
            "jwt",
            "JSON Web Token",
            Warning,
            &["eyj"],
            r"(?P<s>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})",
        ),
        High,
        true,
        C::Jwt,
    ),
    // --- passwords by context ------------------------------------------------------------
    with(
        rule(
            "url-password",
            "Password embedded in a URL",
            Error,
            &["://"],
            r"(?i)(?P<k>[a-z][a-z0-9+.\-]{1,20}://[^:@/\s\x22'<>]{1,128}):(?P<s>[^@/\s\x22'<>]{1,256})@[A-Za-z0-9.\-_\[\]]+",
        ),
        Medium,
        false,
        C::UrlPassword,
    ),
    with(
        rule(
            "netrc-password",
            "Password in a .netrc entry",
            Error,
            &["machine", "default"],
            r"(?m)^[ \t]*(?:machine\s+\S+(?:\s+(?:login|account|port)\s+\S+){0,3}|default(?:\s+(?:login|account|port)\s+\S+){1,3})\s+(?P<k>password)\s+(?P<s>\S+)",
        ),
        Medium,
        false,
        C::NotPlaceholder,
    ),
    with(
        rule(
            "xml-password",
            "Password in an XML element (Maven settings, ...)",
            Error,
            &["<password>", "<passphrase>", "<master>"],
            r"(?i)<\s*(?P<k>password|passphrase|master)\s*>\s*(?P<s>[^<\s]{3,}(?:[^<]*[^<\s])?)\s*<\s*/\s*(?:password|passphrase|master)\s*>",
        ),
        Medium,
        false,
        C::Xml,
    ),
    with(
        rule(
            GENERIC_RULE_ID,
            "Secret assigned to a secret-named key",
            Warning,
            &[
                "pass", "pwd", "pword", "secret", "token", "key", "auth", "cred", "psw",
            ],
            r#"(?:^|[^A-Za-z0-9_.])(?P<k>[A-Za-z_][A-Za-z0-9_.\-]{0,80}?)["']?[ \t]*(?:=>|:=|=|:)[ \t]*(?P<q>["']?)(?P<s>[^\s"'`;,]{1,256})"#,
        ),
        Medium,
        false,
        C::Generic,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let all = rules();
        for (i, r) in all.iter().enumerate() {
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.id
            );
            assert!(
                all.iter().skip(i + 1).all(|o| o.id != r.id),
                "duplicate {}",
                r.id
            );
        }
        assert!(all.len() >= 55);
    }

    #[test]
    fn keywords_are_lower_case() {
        for r in RULES {
            assert!(!r.keywords.is_empty(), "{} needs a keyword", r.id);
            for k in r.keywords {
                assert_eq!(*k, k.to_ascii_lowercase(), "{}", r.id);
            }
        }
    }
}
