//! The web console: `web/dist`, embedded at compile time, served at `/` with client-side
//! routes falling back to `index.html`. Hashed assets are cached for a year; everything
//! else is revalidated. Without a built console, a short page says so and links to GraphiQL.
//! The same build holds GraphiQL (`graphiql.html`), which [`graphiql`] serves at `GET /graphql`.

use actix_web::{http::header, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../web/dist"]
#[allow_missing = true]
struct Console;

const PLACEHOLDER: &str = "<!doctype html><html><head><meta charset=utf-8>\
<meta name=viewport content=\"width=device-width, initial-scale=1\"><title>ClusterGenie</title></head>\
<body style=\"font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
<h1>ClusterGenie</h1><p>The control plane is running, but the web console was not built into \
this binary (it needs Node.js and npm at build time: <code>cd web &amp;&amp; npm ci &amp;&amp; \
npm run build</code>, then rebuild).</p><ul><li><a href=\"/graphql\">GraphQL playground</a></li>\
<li><a href=\"/health\">Health</a></li><li><a href=\"/metrics\">Metrics</a></li></ul></body></html>";

const GRAPHIQL_PLACEHOLDER: &str = "<!doctype html><html><head><meta charset=utf-8>\
<title>ClusterGenie GraphQL</title></head><body style=\"font-family:sans-serif;max-width:40rem;\
margin:3rem auto;padding:0 1rem\"><h1>ClusterGenie GraphQL</h1><p>GraphiQL was not built into \
this binary (it is part of the web console build, which needs Node.js and npm). The API itself \
works: <code>POST /graphql</code> with a JSON body, subscriptions over WebSocket at \
<code>/graphql</code>.</p></body></html>";

/// Whether the binary carries a built console (rather than the placeholder page).
pub fn is_built() -> bool {
    Console::get("index.html").is_some()
}

/// GraphiQL, bundled with the console (no CDN), or a page saying it was not built.
pub async fn graphiql() -> HttpResponse {
    page("graphiql.html", GRAPHIQL_PLACEHOLDER)
}

/// An HTML page of the console, never cached (its assets are), or `placeholder` when the
/// console was not built.
fn page(file: &str, placeholder: &'static str) -> HttpResponse {
    let body = match Console::get(file) {
        Some(page) => page.data.into_owned(),
        None => placeholder.as_bytes().to_vec(),
    };
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// Serves a console file, `index.html` for client-side routes, or 404 for a missing file.
pub async fn serve(request: HttpRequest) -> HttpResponse {
    let path = request.path().trim_start_matches('/');
    if !path.is_empty() {
        if let Some(file) = Console::get(path) {
            let cache = if path.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            return HttpResponse::Ok()
                .content_type(file.metadata.mimetype())
                .insert_header((header::CACHE_CONTROL, cache))
                .body(file.data.into_owned());
        }
        // A path to a file that is not there is a 404, not the application.
        let last = path.rsplit('/').next().unwrap_or_default();
        if path.starts_with("assets/") || last.contains('.') {
            return HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body("not found");
        }
    }
    page("index.html", PLACEHOLDER)
}

#[cfg(test)]
mod tests {
    use super::{graphiql, serve};
    use actix_web::{body::to_bytes, http::header, test, web, App};

    /// The `src` of the first module script in an HTML page, if it has one.
    fn module_script(html: &str) -> Option<&str> {
        let tag = html.find("<script type=\"module\"")?;
        let rest = &html[tag..];
        let start = rest.find("src=\"")? + "src=\"".len();
        let end = rest[start..].find('"')?;
        Some(&rest[start..start + end])
    }

    async fn page_and_script(path: &str) -> (String, Option<(u16, String, String)>) {
        let app = test::init_service(
            App::new()
                .route("/graphql", web::get().to(graphiql))
                .route("/{tail:.*}", web::get().to(serve)),
        )
        .await;
        let response =
            test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        assert_eq!(response.status(), 200, "{path}");
        let html =
            String::from_utf8(to_bytes(response.into_body()).await.unwrap().to_vec()).unwrap();
        let Some(src) = module_script(&html).map(str::to_owned) else {
            return (html, None);
        };
        let script =
            test::call_service(&app, test::TestRequest::get().uri(&src).to_request()).await;
        let status = script.status().as_u16();
        let header = |name| {
            script
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (kind, cache) = (header(header::CONTENT_TYPE), header(header::CACHE_CONTROL));
        (html, Some((status, kind, cache)))
    }

    /// A build with `CLUSTERGENIE_SKIP_CONSOLE_BUILD` set serves the placeholder on purpose;
    /// any other build must carry the real console, so a failed console build fails here.
    fn console_build_skipped() -> bool {
        option_env!("CLUSTERGENIE_SKIP_CONSOLE_BUILD").is_some_and(|v| v != "0")
    }

    #[actix_web::test]
    async fn the_built_console_and_graphiql_are_served_with_their_bundles() {
        for (path, mount) in [
            ("/", "<div id=\"root\">"),
            ("/graphql", "<div id=\"graphiql\">"),
        ] {
            let (html, script) = page_and_script(path).await;
            if console_build_skipped() {
                assert!(html.contains("was not built"), "{path}: {html}");
                assert!(script.is_none(), "{path}: a skipped build has a bundle");
                continue;
            }
            assert!(
                html.contains(mount),
                "{path} is not the built page (the console build failed?): {html}"
            );
            let (status, kind, cache) =
                script.unwrap_or_else(|| panic!("{path} loads no bundle: {html}"));
            assert_eq!(status, 200, "{path}'s bundle");
            assert!(kind.ends_with("javascript"), "{path}'s bundle is {kind}");
            assert_eq!(
                cache, "public, max-age=31536000, immutable",
                "{path}'s bundle"
            );
        }
    }

    #[actix_web::test]
    async fn client_routes_get_the_page_and_missing_files_are_404() {
        let app = test::init_service(App::new().route("/{tail:.*}", web::get().to(serve))).await;
        let (index, _) = page_and_script("/").await;
        for path in ["/", "/droplets/123", "/audit/Droplet/abc"] {
            let response =
                test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(response.status(), 200, "{path}");
            let kind = response.headers().get(header::CONTENT_TYPE).unwrap();
            assert_eq!(kind, "text/html; charset=utf-8", "{path}");
            let body = to_bytes(response.into_body()).await.unwrap();
            assert_eq!(body, index.as_bytes(), "{path} is not the console's page");
        }
        for path in ["/assets/nope-1234.js", "/favicon.ico"] {
            let response =
                test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(response.status(), 404, "{path}");
        }
    }
}
