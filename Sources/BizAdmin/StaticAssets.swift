/// The files under `/static/`, compiled into the program so that bizadmin is one file.
enum StaticAssets {
    /// `/static/admin.css`: the only style sheet.
    static let adminCSS = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; justify-content: space-between; align-items: center; padding: 0.6rem 1.2rem;
          background: #1d2330; color: #fff; }
        header form { display: inline; }
        main { padding: 1.2rem; max-width: 80rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #dde1e7; }
        th a { color: inherit; text-decoration: none; }
        .toolbar, nav.pages { display: flex; gap: 1rem; align-items: center; margin: 0.8rem 0; }
        .error { color: #b00020; margin-left: 0.5rem; }
        .notice { padding: 0.6rem; background: #fff4d6; border: 1px solid #e6c35c; }
        label { display: block; margin-top: 0.8rem; font-weight: 600; }
        input[type=text], input[type=password], textarea { width: 28rem; max-width: 100%; }
        button.danger { background: #b00020; color: #fff; }

        """

    /// `/static/admin.js`: the only script. The pages work without it; with it, choosing a
    /// page size shows it at once (no "Show" button), and "/" focuses the search box.
    static let adminJS = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          var size = document.getElementById("size");
          if (size && size.form) {
            var show = size.form.querySelector("button[type=submit]");
            if (show) { show.hidden = true; }
            size.addEventListener("change", function () { size.form.submit(); });
          }
          var search = document.querySelector("input[type=search]");
          if (search) {
            document.addEventListener("keydown", function (event) {
              var target = event.target;
              var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
              if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
                event.preventDefault();
                search.focus();
              }
            });
          }
        });

        """
}
