namespace BackOffice.Web.Features.Transactions;

/// <summary>
/// A provider answered, but with no final status yet (a pending code): the outcome is unknown until its notification
/// or an inquiry says it; <see cref="Text"/> tells staff so, unlike an answer that never arrived.
/// </summary>
public sealed class ProviderPendingException(Message text) : Exception(text.ToString())
{
    public Message Text { get; } = text;
}
