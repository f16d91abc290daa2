/// What a message with structured content is (`payload.type` in the chat protocol): the
/// widget and the workbench render each kind its own way, and the rules tell a shopper's
/// typed question from a form or an automatic message by it.
public enum MessageKind: String, Codable, CaseIterable, Sendable {
    /// The FAQ bot answered with an article.
    case botAnswer = "bot.answer"
    /// The FAQ bot offered its best guesses.
    case botSuggest = "bot.suggest"
    /// The FAQ bot had nothing.
    case botNone = "bot.none"
    /// The FAQ bot handed over to a person.
    case botHandover = "bot.handover"
    case autoGreeting = "auto.greeting"
    case autoQueued = "auto.queued"
    case autoAway = "auto.away"
    case autoClosed = "auto.closed"
    case autoKeyword = "auto.keyword"
    case productCard = "card.product"
    case orderCard = "card.order"
    /// An after-sale case's proposed solution, which the shopper accepts or refuses in the widget.
    case caseCard = "card.case"
    case orderReminder = "order.reminder"
    case orderPaid = "order.paid"
    case orderPriceChanged = "order.price_changed"
    /// A shopper's message left through the form outside business hours.
    case leaveMessage = "leave.message"

    /// Sent by Kefu on its own (the bot, automatic replies, the shop's order messages).
    public var isAutomatic: Bool {
        switch self {
        case .productCard, .orderCard, .caseCard, .leaveMessage: false
        default: true
        }
    }
}
