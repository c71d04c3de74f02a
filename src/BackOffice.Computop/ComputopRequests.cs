namespace BackOffice.Computop;

/// <summary>
/// A capture (<c>capture.aspx</c>): the amount decides full or partial; <see cref="Complete"/> releases what remains
/// with it (<c>CompleteType=YES</c>). <see cref="ReqId"/> makes a repeat after a final answer return that answer.
/// </summary>
public sealed record CaptureRequest(string PayId, string TransId, long Amount, string Currency, string ReqId,
    string? RefNr = null, string? ArticleList = null, bool Complete = false);

/// <summary>A credit (<c>credit.aspx</c>) of captured money; the amount decides full or partial.</summary>
public sealed record CreditRequest(string PayId, string TransId, long Amount, string Currency, string ReqId,
    string? RefNr = null, string? ArticleList = null);

/// <summary>A reverse (<c>reverse.aspx</c>): releases exactly what remains authorized; never undoes a capture.</summary>
public sealed record ReverseRequest(string PayId, string TransId, long Amount, string Currency, string ReqId, string? RefNr = null);
