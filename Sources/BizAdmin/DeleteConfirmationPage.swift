import BizCore

/// "Delete this business?": a POST form, so deleting needs no script and no link can do it.
enum DeleteConfirmationPage {
    /// Asks about `business`, from the list view `view`, which deleting and Cancel return to.
    static func render(session: AdminSession, business: Business, view: BusinessListQuery) -> HTMLText {
        let content =
            HTMLText.element("h1", text: "Delete business")
            + HTMLText.element("p", text: "Delete “\(business.name)” (\(business.publicPhone ?? "no public phone"))? This cannot be undone.")
            + Layout.form(
                action: AdminPaths.delete(business.id), session: session,
                Layout.viewField(view)
                    + HTMLText.element("button", ["type": "submit", "class": "danger"], text: "Delete")
                    + HTMLText(markup: " ") + HTMLText.element("a", ["href": AdminPaths.list(view)], text: "Cancel"))
        return Layout.document(title: "Delete business", session: session, content: content)
    }
}
