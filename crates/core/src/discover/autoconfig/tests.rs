//! The clientConfig parser and the bounded web client, on documents and servers made here.

use super::*;
use crate::discover::address;

const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
<domain>example.com</domain>
<displayName>Example Mail</displayName>
<incomingServer type="imap">
  <hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
</incomingServer>
<outgoingServer type="smtp">
  <hostname>smtp.%EMAILDOMAIN%</hostname>
  <port>465</port>
  <socketType>SSL</socketType>
  <username>%EMAILLOCALPART%</username>
  <authentication>password-cleartext</authentication>
</outgoingServer>
<outgoingServer type="smtp">
  <hostname>smtp.example.com</hostname>
  <port>587</port>
  <socketType>STARTTLS</socketType>
  <username>%EMAILADDRESS%</username>
  <authentication>OAuth2</authentication>
</outgoingServer>
<documentation url="https://example.com/help/mail">
  <descr lang="en">Settings</descr>
</documentation>
  </emailProvider>
</clientConfig>"#;

#[test]
fn smtp_servers_are_read_with_placeholders_substituted() {
    let a = address::parse("jo@example.com").unwrap();
    let c = parse(SAMPLE, &a).unwrap();
    assert_eq!(c.provider_name.as_deref(), Some("Example Mail"));
    assert_eq!(c.help_url.as_deref(), Some("https://example.com/help/mail"));
    assert_eq!(c.servers.len(), 2);
    assert_eq!(c.servers[0].host, "smtp.example.com");
    assert_eq!(c.servers[0].port, 465);
    assert_eq!(c.servers[0].security, Security::Tls);
    assert_eq!(c.servers[0].username.as_deref(), Some("jo"));
    assert_eq!(c.servers[1].security, Security::Starttls);
    assert_eq!(c.servers[1].username.as_deref(), Some("jo@example.com"));
    assert_eq!(c.servers[1].notes[0].kind, NoteKind::OauthOnly);
}

#[test]
fn a_template_keeps_placeholders_domains_and_links() {
    let xml = r#"<clientConfig version="1.1">
  <emailProvider id="example.com">
<domain>Example.com</domain><domain>example.net.</domain><domain>example.com</domain>
<displayName>Example</displayName>
<outgoingServer type="smtp">
  <hostname>SMTP.%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType>
  <username>%EMAILLOCALPART%</username>
  <authentication>OAuth2</authentication><authentication>password-cleartext</authentication>
</outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.example.com</hostname></outgoingServer>
<documentation url="http://example.com/plain"/>
<instruction url="https://example.com/how"/>
<enable visiturl="https://example.com/enable"><instruction>Allow it</instruction></enable>
  </emailProvider>
  <oAuth2><issuer>login.example.com</issuer></oAuth2>
</clientConfig>"#;
    let t = parse_template(xml).unwrap();
    assert_eq!(t.provider_id.as_deref(), Some("example.com"));
    assert_eq!(t.domains, ["example.com", "example.net"]);
    assert_eq!(t.help_urls, ["https://example.com/how"]);
    assert_eq!(t.enable_url.as_deref(), Some("https://example.com/enable"));
    assert!(t.oauth2);
    let first = t.servers[0].as_ref().unwrap();
    assert_eq!(first.host, "smtp.%EMAILDOMAIN%");
    assert_eq!(first.username.as_deref(), Some("%EMAILLOCALPART%"));
    assert!(first.offers_oauth2() && !first.oauth_only() && !first.no_sign_in());
    assert!(t.servers[1].is_err());
    let a = address::parse("Jo@Example.org").unwrap();
    let c = t.for_address(&a).unwrap();
    assert_eq!(c.servers.len(), 1);
    assert_eq!(c.servers[0].host, "smtp.example.org");
    assert_eq!(c.servers[0].username.as_deref(), Some("Jo"));
}

#[test]
fn malformed_documents_are_refused_with_a_reason() {
    let a = address::parse("jo@example.com").unwrap();
    for bad in [
        "not xml at all <",
        "<html><body>Welcome</body></html>",
        "<clientConfig version=\"1.1\"></clientConfig>",
        "<clientConfig><emailProvider><outgoingServer type=\"smtp\"><hostname>x y</hostname>\
         <port>25</port><socketType>plain</socketType></outgoingServer></emailProvider></clientConfig>",
        "<clientConfig><emailProvider><outgoingServer type=\"smtp\"><hostname>smtp.example.com</hostname>\
         <port>99999</port><socketType>SSL</socketType></outgoingServer></emailProvider></clientConfig>",
        "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><clientConfig>&c;</clientConfig>",
    ] {
        let err = parse(bad, &a).unwrap_err();
        assert!(matches!(err, FetchFailure::Malformed(_)), "{bad}: {err:?}");
    }
}

/// Found by the autoconfig fuzz target: a host the settings refuse (its last label starts
/// with a digit, or an address that is no server's) was offered as a server.
#[test]
fn hosts_the_settings_refuse_are_not_offered() {
    let a = address::parse("jo@example.com").unwrap();
    for host in ["111mple", "smtp.example.587", "0.0.0.0", "224.0.0.1"] {
        let xml = format!(
            "<clientConfig><emailProvider id=\"x\"><outgoingServer type=\"smtp\">\
             <hostname>{host}</hostname><port>587</port><socketType>STARTTLS</socketType>\
             </outgoingServer></emailProvider></clientConfig>"
        );
        assert!(
            matches!(parse(&xml, &a), Err(FetchFailure::Malformed(_))),
            "{host} was offered"
        );
    }
}
