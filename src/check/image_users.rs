//! The users well-known images are built to run as, so a container that runs as root can be
//! told which uid its image expects instead (`runs-as-root`). Only images whose Dockerfile
//! creates the user with a fixed uid are listed; for any other image kubefit says nothing.

/// (repository, tag contains, uid, who): the first row whose repository equals the image's
/// (registry host `docker.io`/`library/` dropped) and whose tag contains the text wins.
const USERS: [(&str, &str, i64, &str); 12] = [
    // docker-library/postgres: `useradd -r -u 999 postgres` (Debian); Alpine: uid 70.
    ("postgres", "alpine", 70, "the image's postgres user"),
    ("postgres", "", 999, "the image's postgres user"),
    ("pgvector/pgvector", "", 999, "the image's postgres user"),
    // docker-library/redis: `useradd -r -u 999 redis`, Alpine `adduser -S -u 999 redis`.
    ("redis", "", 999, "the image's redis user"),
    // docker-library/rabbitmq: `useradd -u 999 rabbitmq`.
    ("rabbitmq", "", 999, "the image's rabbitmq user"),
    // nginxinc/docker-nginx-unprivileged: `USER 101`.
    (
        "nginxinc/nginx-unprivileged",
        "",
        101,
        "the image's nginx user",
    ),
    // grafana/grafana: `GF_UID=472`.
    ("grafana/grafana", "", 472, "the image's grafana user"),
    // prometheus/prometheus Dockerfile: `USER nobody` (65534).
    ("prom/prometheus", "", 65534, "nobody, as the image runs"),
    (
        "quay.io/prometheus/prometheus",
        "",
        65534,
        "nobody, as the image runs",
    ),
    // opensearch-project/opensearch-build docker: `useradd -u 1000 opensearch`.
    (
        "opensearchproject/opensearch",
        "",
        1000,
        "the image's opensearch user",
    ),
    // mastodon/mastodon Dockerfile: `UID=991`.
    (
        "ghcr.io/mastodon/mastodon",
        "",
        991,
        "the image's mastodon user",
    ),
    ("tootsuite/mastodon", "", 991, "the image's mastodon user"),
];

/// The uid `image` is built to run as, and who that is, when kubefit knows it
/// (`postgres:17.2` → 999, the image's postgres user).
pub(crate) fn documented_uid(image: &str) -> Option<(i64, &'static str)> {
    let without_digest = image.split('@').next().unwrap_or_default();
    let (repo, tag) = match without_digest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (without_digest, ""),
    };
    let repo = repo.strip_prefix("docker.io/").unwrap_or(repo);
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    USERS
        .iter()
        .find(|(r, t, _, _)| *r == repo && tag.contains(t))
        .map(|(_, _, uid, who)| (*uid, *who))
}

#[cfg(test)]
mod tests {
    use super::documented_uid;

    #[test]
    fn known_images_name_their_user() {
        assert_eq!(documented_uid("postgres:17.2").map(|u| u.0), Some(999));
        assert_eq!(
            documented_uid("postgres:17.2-alpine").map(|u| u.0),
            Some(70)
        );
        assert_eq!(
            documented_uid("docker.io/library/redis:7.4").map(|u| u.0),
            Some(999)
        );
        assert_eq!(
            documented_uid("grafana/grafana:11.2.0@sha256:ab").map(|u| u.0),
            Some(472)
        );
        assert_eq!(documented_uid("ghcr.io/acme/api:1.0"), None);
        assert_eq!(documented_uid("postgresql:1"), None);
    }
}
