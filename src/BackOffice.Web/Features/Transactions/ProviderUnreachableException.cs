namespace BackOffice.Web.Features.Transactions;

/// <summary>A provider could not be reached, so nothing happened there. <see cref="Text"/> says so, for staff.</summary>
public sealed class ProviderUnreachableException(Message text) : Exception(text.ToString())
{
    public Message Text { get; } = text;
}
