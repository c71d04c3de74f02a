using System.Globalization;

namespace BackOffice.Computop;

/// <summary>
/// Paygate's server-to-server calls for Klarna Payments after the purchase: capture, credit, reverse (they move money:
/// a call whose answer is lost is of unknown outcome) and inquire (it reads: a lost answer only means "try again").
/// The <see cref="HttpClient"/> carries the base address and the timeout.
/// </summary>
public sealed class ComputopClient(HttpClient http)
{
    public Task<PaygateAnswer> CaptureAsync(PaygateCredentials credentials, CaptureRequest request, CancellationToken cancellationToken = default) =>
        MoveAsync("capture.aspx", credentials, request.PayId, request.TransId, request.Amount, request.Currency,
            [new("ReqId", request.ReqId), .. Optional("RefNr", request.RefNr), .. Optional("ArticleList", request.ArticleList), .. Optional("CompleteType", request.Complete ? "YES" : null)],
            cancellationToken);

    public Task<PaygateAnswer> CreditAsync(PaygateCredentials credentials, CreditRequest request, CancellationToken cancellationToken = default) =>
        MoveAsync("credit.aspx", credentials, request.PayId, request.TransId, request.Amount, request.Currency,
            [new("ReqId", request.ReqId), .. Optional("RefNr", request.RefNr), .. Optional("ArticleList", request.ArticleList)],
            cancellationToken);

    public Task<PaygateAnswer> ReverseAsync(PaygateCredentials credentials, ReverseRequest request, CancellationToken cancellationToken = default) =>
        MoveAsync("reverse.aspx", credentials, request.PayId, request.TransId, request.Amount, request.Currency,
            [new("ReqId", request.ReqId), .. Optional("RefNr", request.RefNr)],
            cancellationToken);

    /// <summary>
    /// Lowers the order's amount and replaces its lines before the first capture (<c>EventToken=UEO</c>); never above
    /// the amount first authorized. It changes the order, so a lost answer is of unknown outcome.
    /// </summary>
    public Task<PaygateAnswer> ChangeOrderAsync(PaygateCredentials credentials, string payId, string transId, long amount, string currency, string articleList, CancellationToken cancellationToken = default) =>
        MoveAsync("KlarnaPayments.aspx", credentials, payId, transId, amount, currency, [new("EventToken", "UEO"), new("ArticleList", articleList)], cancellationToken);

    /// <summary>Replaces the merchant's reference (RefNr) before the first capture (<c>EventToken=UMR</c>).</summary>
    public Task<PaygateAnswer> ChangeReferenceAsync(PaygateCredentials credentials, string payId, string transId, string refNr, CancellationToken cancellationToken = default) =>
        AfterPurchaseAsync(credentials, payId, transId, [new("EventToken", "UMR"), new("RefNr", refNr)], cancellationToken);

    /// <summary>Has Klarna send the invoice of a capture to the customer again (<c>EventToken=RCC</c>).</summary>
    public Task<PaygateAnswer> ResendInvoiceAsync(PaygateCredentials credentials, string payId, string transId, string invoiceNumber, CancellationToken cancellationToken = default) =>
        AfterPurchaseAsync(credentials, payId, transId, [new("EventToken", "RCC"), new("InvoiceNr", invoiceNumber)], cancellationToken);

    /// <summary>A payment's state: its status and the amounts authorized, captured and credited so far.</summary>
    public async Task<PaygateAnswer> InquireAsync(PaygateCredentials credentials, string payId, string transId, CancellationToken cancellationToken = default)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("MerchantID", credentials.MerchantId), new("PayID", payId), new("TransID", transId),
            new("MAC", PaygateMac.OfRequest(credentials.HmacKey, payId, transId, credentials.MerchantId, null, null)),
        };
        try
        {
            return await SendAsync("inquire.aspx", credentials, fields, cancellationToken);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw new ComputopUnavailableException("inquire", e.Message, e);
        }
    }

    private async Task<PaygateAnswer> AfterPurchaseAsync(PaygateCredentials credentials, string payId, string transId,
        IEnumerable<KeyValuePair<string, string>> more, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>> { new("MerchantID", credentials.MerchantId), new("PayID", payId), new("TransID", transId) };
        fields.AddRange(more);
        fields.Add(new("MAC", PaygateMac.OfRequest(credentials.HmacKey, payId, transId, credentials.MerchantId, null, null)));
        try
        {
            return await SendAsync("KlarnaPayments.aspx", credentials, fields, cancellationToken);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw new ComputopOutcomeUnknownException(fields.First(f => f.Key == "EventToken").Value, e.Message, e);
        }
    }

    private async Task<PaygateAnswer> MoveAsync(string path, PaygateCredentials credentials, string payId, string transId, long amount, string currency,
        IEnumerable<KeyValuePair<string, string>> more, CancellationToken cancellationToken)
    {
        var amountText = amount.ToString(CultureInfo.InvariantCulture);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("MerchantID", credentials.MerchantId), new("PayID", payId), new("TransID", transId), new("Amount", amountText), new("Currency", currency),
        };
        fields.AddRange(more);
        fields.Add(new("MAC", PaygateMac.OfRequest(credentials.HmacKey, payId, transId, credentials.MerchantId, amount, currency)));
        try
        {
            return await SendAsync(path, credentials, fields, cancellationToken);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw new ComputopOutcomeUnknownException(fields.FirstOrDefault(f => f.Key == "EventToken").Value ?? Path.GetFileNameWithoutExtension(path), e.Message, e);
        }
    }

    private async Task<PaygateAnswer> SendAsync(string path, PaygateCredentials credentials, IReadOnlyList<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent(PaygateMessage.Seal(credentials, fields));
        using var response = await http.PostAsync(path, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Paygate answered HTTP {(int)response.StatusCode}.", null, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var message = PaygateFields.Read(body.Trim());
        var answer = new PaygateAnswer(PaygateMessage.Open(message.ToDictionary(f => f.Key, f => Uri.UnescapeDataString(f.Value), StringComparer.OrdinalIgnoreCase), credentials.BlowfishPassword));
        // Every answer of Paygate's has a Code; Data that decrypts to none was not encrypted with this password.
        return answer.Code is not null ? answer : throw new PaygateMessageException("Paygate's answer has no Code: it cannot be read with this Blowfish password.");
    }

    /// <summary>A timeout, a network or server error, or an answer that cannot be read — not the caller's own cancellation.</summary>
    private static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or PaygateMessageException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    private static IEnumerable<KeyValuePair<string, string>> Optional(string key, string? value) =>
        value is { Length: > 0 } ? [new(key, value)] : [];
}
