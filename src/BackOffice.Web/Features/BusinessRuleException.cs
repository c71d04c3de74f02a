namespace BackOffice.Web.Features;

/// <summary>A request the domain refuses; the message is written for the person who made it, in their language.</summary>
public class BusinessRuleException(Message text) : Exception(text.ToString())
{
    public BusinessRuleException(string key, params object?[] arguments)
        : this(new Message(key, arguments))
    {
    }

    public Message Text { get; } = text;
}
