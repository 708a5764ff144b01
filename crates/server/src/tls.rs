//! HTTPS: a certificate given on the command line, or a self-signed one for localhost made on
//! first start and kept in the data directory (so clients that trust it keep trusting it).
//!
//! b24pysdk only speaks `https://`, so a local stand-in needs HTTPS that a client can be told
//! to trust with one environment variable.

use axum_server::tls_rustls::RustlsConfig;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// A certificate and its private key, as PEM files, and the file clients should trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA of a self-signed setup, or the certificate itself when one was given.
    pub trust: PathBuf,
}

/// Why HTTPS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The names every self-signed certificate covers.
const LOCAL_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The self-signed setup in `dir`, made now if it is not there yet: a local CA
/// (`openlines-tls-ca.pem`, the file clients trust) and a certificate it signed for
/// `localhost`, `127.0.0.1` and `::1` (`openlines-tls-cert.pem`, key `openlines-tls-key.pem`).
/// A CA rather than one self-signed certificate, because OpenSSL (Python) and Node refuse a
/// self-signed server certificate even when told to trust it.
pub fn self_signed_in(dir: &Path) -> Result<TlsFiles, TlsError> {
    self_signed_for(dir, &[])
}

/// [`self_signed_in`] with `extra` host names in the certificate as well (the OAuth host
/// names). The names are kept in `openlines-tls-names.txt`; when they change, the server
/// certificate is signed again by the same CA (its key is kept beside it, readable by the
/// owner only), so clients that trust the CA keep trusting the server.
pub fn self_signed_for(dir: &Path, extra: &[String]) -> Result<TlsFiles, TlsError> {
    let files = TlsFiles {
        cert: dir.join("openlines-tls-cert.pem"),
        key: dir.join("openlines-tls-key.pem"),
        trust: dir.join("openlines-tls-ca.pem"),
    };
    let ca_key_file = dir.join("openlines-tls-ca-key.pem");
    let names_file = dir.join("openlines-tls-names.txt");
    let mut names: Vec<String> = LOCAL_NAMES.iter().map(|name| (*name).to_owned()).collect();
    for name in extra {
        let name = name.to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let listed = names.join("\n");
    let complete = files.cert.exists() && files.key.exists() && files.trust.exists();
    if complete {
        // A setup from before names were recorded covers the local names only.
        let recorded =
            std::fs::read_to_string(&names_file).unwrap_or_else(|_| LOCAL_NAMES.join("\n"));
        if recorded.trim() == listed {
            return Ok(files);
        }
    }
    let ca_key = match (complete, std::fs::read_to_string(&ca_key_file)) {
        (true, Ok(pem)) => KeyPair::from_pem(&pem)?,
        _ => {
            // No CA to keep: make one.
            let key = KeyPair::generate()?;
            let key_pem = key.serialize_pem();
            let ca = CertifiedIssuer::self_signed(ca_params()?, key)?;
            write(&files.trust, ca.pem().as_bytes(), 0o644)?;
            write(&ca_key_file, key_pem.as_bytes(), 0o600)?;
            KeyPair::from_pem(&key_pem)?
        }
    };
    let ca = Issuer::new(ca_params()?, ca_key);
    let mut leaf_params = CertificateParams::new(names)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate()?;
    let leaf = leaf_params.signed_by(&leaf_key, &ca)?;
    let ca_pem = std::fs::read_to_string(&files.trust).map_err(|source| TlsError::Io {
        path: files.trust.clone(),
        source,
    })?;
    write(
        &files.cert,
        format!("{}{}", leaf.pem(), ca_pem).as_bytes(),
        0o644,
    )?;
    write(&files.key, leaf_key.serialize_pem().as_bytes(), 0o600)?;
    write(&names_file, listed.as_bytes(), 0o644)?;
    Ok(files)
}

/// The local CA's parameters: the same each time, so a kept CA key signs as the same issuer.
fn ca_params() -> Result<CertificateParams, TlsError> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "openlines local CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(ca_params)
}

fn write(path: &Path, content: &[u8], mode: u32) -> Result<(), TlsError> {
    let io = |source| TlsError::Io {
        path: path.to_owned(),
        source,
    };
    std::fs::write(path, content).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(())
}

/// The rustls configuration for `files` (ring provider, TLS 1.2 and 1.3).
pub async fn rustls_config(files: &TlsFiles) -> Result<RustlsConfig, TlsError> {
    RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .map_err(|source| TlsError::Io {
            path: files.cert.clone(),
            source,
        })
}

/// How to make common clients trust `cert` (printed at start).
pub fn trust_hints(cert: &Path) -> String {
    let cert = cert.display();
    format!(
        "Trust the certificate {cert}:\n  \
         Python (requests, b24pysdk): export REQUESTS_CA_BUNDLE={cert} SSL_CERT_FILE={cert}\n  \
         Node (b24jssdk):             export NODE_EXTRA_CA_CERTS={cert}\n  \
         curl:                        curl --cacert {cert} …\n  \
         openlines call, Rust client: --cacert {cert} (or SSL_CERT_FILE={cert})"
    )
}
