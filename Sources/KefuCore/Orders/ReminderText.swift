import Foundation

/// The text of a payment reminder, from a ``ReminderRule``'s template.
public enum ReminderText {
    /// `template` with the reminder variables (``ReminderRule/variables``: customer_name,
    /// order_no, amount, pay_link) filled in from `values`, as ``ReplyTemplate`` does
    /// (`{{` and `}}` are braces, values are not scanned again). A reminder variable without
    /// a value, or with only spaces, becomes empty text, so that the buyer never sees
    /// "{customer_name}"; other placeholders and keys are left alone (``ReminderRule/validate()``
    /// refuses other variables). `amount` is inserted as given, already formatted.
    public static func render(template: String, values: [String: String]) -> String {
        var filled: [String: String] = [:]
        for name in ReminderRule.variables {
            let value = values[name] ?? ""
            filled[name] = value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : value
        }
        return ReplyTemplate.render(template, filled)
    }

    /// ``render(template:values:)`` with the amount formatted for `locale` ("¥279.00").
    public static func render(template: String, customerName: String?, orderNo: String, amount: Money, payLink: String?,
                              locale: Locale) -> String {
        render(template: template, values: ["customer_name": customerName ?? "", "order_no": orderNo,
                                            "amount": amount.formatted(locale: locale), "pay_link": payLink ?? ""])
    }
}
