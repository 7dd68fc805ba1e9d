import BizCore

/// The create and edit forms: one field per column, each error beside its field.
enum BusinessFormPage {
    /// The form for a new business (`businessID` nil) or for the business `businessID`,
    /// opened from the list view `view`, which saving and Cancel return to.
    static func render(session: AdminSession, form: BusinessForm, businessID: String?, view: BusinessListQuery) -> HTMLText {
        let title = businessID == nil ? "New business" : "Edit business"
        var fields = Layout.viewField(view)
        for field in BusinessFormField.allCases {
            let id = field.rawValue
            let error = form.errors[field]
            let errorID = "\(id)-error"
            fields.append(HTMLText.element("label", ["for": id], text: field.label))
            if field == .customSettings {
                fields.append(
                    HTMLText.element(
                        "textarea",
                        ["id": id, "name": id, "rows": "6", "cols": "60", "aria-invalid": error == nil ? nil : "true",
                         "aria-describedby": error == nil ? nil : errorID],
                        text: form[field]))
            } else {
                fields.append(
                    HTMLText.element(
                        "input",
                        ["type": "text", "id": id, "name": id, "value": form[field], "required": field == .name ? "" : nil,
                         "aria-invalid": error == nil ? nil : "true", "aria-describedby": error == nil ? nil : errorID]))
            }
            if let error {
                fields.append(HTMLText.element("span", ["class": "error", "id": errorID], text: error))
            }
        }
        fields.append(
            HTMLText.element(
                "p", [:],
                HTMLText.element("button", ["type": "submit"], text: businessID == nil ? "Create" : "Save")
                    + HTMLText(markup: " ") + HTMLText.element("a", ["href": AdminPaths.list(view)], text: "Cancel")))
        let action = businessID.map(AdminPaths.business) ?? AdminPaths.businesses
        let content = HTMLText.element("h1", text: title) + Layout.form(action: action, session: session, fields)
        return Layout.document(title: title, session: session, content: content)
    }
}
