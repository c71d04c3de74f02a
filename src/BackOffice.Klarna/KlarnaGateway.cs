using System.Globalization;
using System.Net.Http.Headers;
using BackOffice.Klarna.XmlRpc;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace BackOffice.Klarna;

public sealed class KlarnaGateway : IKlarnaGateway
{
    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private readonly HttpClient http;
    private readonly KlarnaGatewayOptions options;
    private readonly IKlarnaGatewayUrls urls;
    private readonly ResiliencePipeline readRetry;

    public KlarnaGateway(HttpClient http, IOptions<KlarnaGatewayOptions> options, IKlarnaGatewayUrls urls)
    {
        this.http = http;
        this.options = options.Value;
        this.urls = urls;
        readRetry = this.options.ReadRetries == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientFailure>(),
                MaxRetryAttempts = this.options.ReadRetries,
                Delay = this.options.ReadRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
            }).Build();
    }

    public async Task<ReservationResult> ReserveAmountAsync(KlarnaCredentials merchant, ReserveAmountRequest request, CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "reserve_amount",
        [
            request.PersonalNumber,
            request.Gender == Gender.Unknown ? "" : (int)request.Gender,
            request.Amount,
            request.Reference,
            request.ReferenceCode,
            request.OrderId1,
            request.OrderId2,
            Address(request.ShippingAddress),
            Address(request.BillingAddress),
            request.ClientIp,
            (int)request.Flags,
            (int)request.Currency,
            (int)request.Country,
            (int)request.Language,
            merchant.MerchantId,
            KlarnaDigest.Of(Eid(merchant), request.PersonalNumber, Number(request.Amount), merchant.SharedSecret),
            (int)request.PnoEncoding,
            request.PClass,
            request.Goods.Select(Goods).ToList(),
            request.Comment,
            new Dictionary<string, object> { ["delay_adjust"] = (int)request.Shipment },
            EmptyArray(), // travel_info
            EmptyArray(), // income_info
            EmptyArray(), // bank_info
            new Dictionary<string, object>(), // session_id
            EmptyArray(), // extra_info
        ], cancellationToken);
        return Read("reserve_amount", value, Reservation);
    }

    public async Task<ActivationResult> ActivateAsync(KlarnaCredentials merchant, string reservationNumber, ActivateOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ActivateOptions();
        var optionalInfo = new Dictionary<string, object>();
        if (options.Flags != ReservationFlags.None)
            optionalInfo["flags"] = (int)options.Flags;
        AddIfSet(optionalInfo, "orderid1", options.OrderId1);
        AddIfSet(optionalInfo, "orderid2", options.OrderId2);
        AddIfSet(optionalInfo, "reference", options.Reference);
        AddIfSet(optionalInfo, "reference_code", options.ReferenceCode);
        if (options.Articles.Count > 0)
            optionalInfo["artnos"] = options.Articles.Select(Article).ToList();

        var digest = KlarnaDigest.Sha512(KlarnaDigest.Text.Activate(
            this.options.ProtocolVersion, this.options.ClientVersion, merchant.MerchantId, reservationNumber, optionalInfo, merchant.SharedSecret));
        var value = await ChangeAsync(merchant, "activate", [merchant.MerchantId, digest, reservationNumber, optionalInfo], cancellationToken);
        return Read("activate", value, v =>
        {
            var pair = Pair(v);
            return new ActivationResult(XmlRpcConvert.ToText(pair[0]), XmlRpcConvert.ToText(pair[1]));
        });
    }

    public async Task<ReservationResult> SplitReservationAsync(KlarnaCredentials merchant, string reservationNumber, long amount, string orderId1 = "", string orderId2 = "", CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "split_reservation",
        [
            reservationNumber, amount, orderId1, orderId2, (int)ReservationFlags.None, merchant.MerchantId,
            KlarnaDigest.Of(Eid(merchant), reservationNumber, Number(amount), merchant.SharedSecret),
        ], cancellationToken);
        return Read("split_reservation", value, Reservation);
    }

    public async Task ChangeReservationAsync(KlarnaCredentials merchant, string reservationNumber, long newAmount, CancellationToken cancellationToken = default)
    {
        const int newAmountFlag = 0;
        var value = await ChangeAsync(merchant, "change_reservation",
        [
            reservationNumber, newAmount, merchant.MerchantId,
            KlarnaDigest.Of(Eid(merchant), reservationNumber, Number(newAmount), merchant.SharedSecret), newAmountFlag,
        ], cancellationToken);
        Read("change_reservation", value, Ok);
    }

    public async Task CancelReservationAsync(KlarnaCredentials merchant, string reservationNumber, CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "cancel_reservation",
            [reservationNumber, merchant.MerchantId, KlarnaDigest.Of(Eid(merchant), reservationNumber, merchant.SharedSecret)], cancellationToken);
        Read("cancel_reservation", value, Ok);
    }

    public async Task<string> CreditInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, string creditNumber = "", CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "credit_invoice",
            [merchant.MerchantId, invoiceNumber, creditNumber, InvoiceDigest(merchant, invoiceNumber)], cancellationToken);
        return Read("credit_invoice", value, XmlRpcConvert.ToText);
    }

    public async Task<string> CreditPartAsync(KlarnaCredentials merchant, string invoiceNumber, IReadOnlyList<ArticleQuantity> articles, string creditNumber = "", CancellationToken cancellationToken = default)
    {
        var digest = KlarnaDigest.Sha512(KlarnaDigest.Text.CreditPart(merchant.MerchantId, invoiceNumber, articles, merchant.SharedSecret));
        var value = await ChangeAsync(merchant, "credit_part",
            [merchant.MerchantId, invoiceNumber, articles.Select(Article).ToList(), creditNumber, digest], cancellationToken);
        return Read("credit_part", value, XmlRpcConvert.ToText);
    }

    public async Task<string> ReturnAmountAsync(KlarnaCredentials merchant, string invoiceNumber, long amount, decimal vatPercent, string description = "", CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "return_amount",
        [
            merchant.MerchantId, invoiceNumber, amount, (double)vatPercent, InvoiceDigest(merchant, invoiceNumber),
            (int)GoodsFlags.IncludesVat, description,
        ], cancellationToken);
        return Read("return_amount", value, XmlRpcConvert.ToText);
    }

    public async Task<OrderStatus> CheckOrderStatusAsync(KlarnaCredentials merchant, string id, OrderIdType type = OrderIdType.ReservationOrInvoiceNumber, CancellationToken cancellationToken = default)
    {
        var value = await ReadAsync(merchant, "check_order_status",
            [merchant.MerchantId, KlarnaDigest.Of(Eid(merchant), id, merchant.SharedSecret), id, (int)type], cancellationToken);
        return Read("check_order_status", value, Status, isRead: true);
    }

    public async Task<IReadOnlyList<PClass>> GetPClassesAsync(KlarnaCredentials merchant, KlarnaCountry country, KlarnaCurrency currency, KlarnaLanguage language, CancellationToken cancellationToken = default)
    {
        var value = await ReadAsync(merchant, "get_pclasses",
        [
            merchant.MerchantId, (int)currency,
            KlarnaDigest.Of(Eid(merchant), Number((int)currency), merchant.SharedSecret),
            (int)country, (int)language,
        ], cancellationToken);
        return Read("get_pclasses", value, v => XmlRpcConvert.ToArray(v).Select(row => PClassRow(XmlRpcConvert.ToArray(row))).ToList(), isRead: true);
    }

    public async Task<IReadOnlyList<RegisteredAddress>> GetAddressesAsync(KlarnaCredentials merchant, string personalNumber, PnoEncoding encoding = PnoEncoding.SE, AddressLookupType type = AddressLookupType.Given, string clientIp = "", CancellationToken cancellationToken = default)
    {
        var value = await ReadAsync(merchant, "get_addresses",
        [
            personalNumber, merchant.MerchantId, KlarnaDigest.Of(Eid(merchant), personalNumber, merchant.SharedSecret),
            (int)encoding, (int)type, clientIp,
        ], cancellationToken);
        return Read("get_addresses", value, v => XmlRpcConvert.ToArray(v).Select(row => AddressRow(XmlRpcConvert.ToArray(row), type)).ToList(), isRead: true);
    }

    public async Task UpdateReservationAsync(KlarnaCredentials merchant, string reservationNumber, ReservationUpdate update, CancellationToken cancellationToken = default)
    {
        var shipping = update.ShippingAddress is { } s ? Address(s) : [];
        var billing = update.BillingAddress is { } b ? Address(b) : [];
        var goods = update.Goods.Select(Goods).Cast<object>().ToList();
        var digest = KlarnaDigest.Sha512(KlarnaDigest.Text.Update(options.ProtocolVersion, options.ClientVersion, merchant.MerchantId, reservationNumber,
            shipping, billing, goods, update.OrderId1, update.OrderId2, merchant.SharedSecret));
        var value = await ChangeAsync(merchant, "update",
        [
            merchant.MerchantId, digest, reservationNumber,
            new Dictionary<string, object>
            {
                ["goods_list"] = goods,
                ["dlv_addr"] = shipping,
                ["bill_addr"] = billing,
                ["orderid1"] = update.OrderId1,
                ["orderid2"] = update.OrderId2,
            },
        ], cancellationToken);
        Read("update", value, Ok);
    }

    public async Task<string> UpdateOrderNumberAsync(KlarnaCredentials merchant, string invoiceNumber, string orderId, CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "update_orderno",
            [merchant.MerchantId, KlarnaDigest.Of(invoiceNumber, orderId, merchant.SharedSecret), invoiceNumber, orderId], cancellationToken);
        return Read("update_orderno", value, XmlRpcConvert.ToText);
    }

    public async Task<DueDateExtension> ExtendInvoiceDueDateAsync(KlarnaCredentials merchant, string invoiceNumber, int days, bool calculateOnly = false, CancellationToken cancellationToken = default)
    {
        object[] parameters =
        [
            merchant.MerchantId, invoiceNumber, InvoiceDigest(merchant, invoiceNumber),
            new Dictionary<string, object> { ["days"] = days, ["calculate_only"] = calculateOnly },
        ];
        var value = calculateOnly
            ? await ReadAsync(merchant, "extend_invoice_due_date", parameters, cancellationToken)
            : await ChangeAsync(merchant, "extend_invoice_due_date", parameters, cancellationToken);
        return Read("extend_invoice_due_date", value, v =>
        {
            var answer = XmlRpcConvert.ToStruct(v);
            var date = answer.TryGetValue("new_date", out var d) ? XmlRpcConvert.ToText(d) : "";
            return new DueDateExtension(
                answer.TryGetValue("cost", out var cost) ? XmlRpcConvert.ToInt32(cost) : throw new XmlRpcFormatException("The answer has no cost."),
                DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due)
                    ? due : throw new XmlRpcFormatException($"'{date}' is not a YYYY-MM-DD due date."));
        }, isRead: calculateOnly);
    }

    public async Task<bool> HasAccountAsync(KlarnaCredentials merchant, string personalNumber, PnoEncoding encoding, CancellationToken cancellationToken = default)
    {
        var value = await ReadAsync(merchant, "has_account",
            [merchant.MerchantId, personalNumber, KlarnaDigest.Of(Eid(merchant), personalNumber, merchant.SharedSecret), (int)encoding], cancellationToken);
        return Read("has_account", value, v => XmlRpcConvert.ToText(v) switch
        {
            "true" => true,
            "false" => false,
            var other => throw new XmlRpcFormatException($"Expected 'true' or 'false' but got '{other}'."),
        }, isRead: true);
    }

    public Task<string> EmailInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, CancellationToken cancellationToken = default) =>
        InvoiceCallAsync(merchant, "email_invoice", invoiceNumber, cancellationToken);

    public Task<string> SendInvoiceAsync(KlarnaCredentials merchant, string invoiceNumber, CancellationToken cancellationToken = default) =>
        InvoiceCallAsync(merchant, "send_invoice", invoiceNumber, cancellationToken);

    public async Task<DateTimeOffset> ExtendExpiryDateAsync(KlarnaCredentials merchant, string reservationNumber, CancellationToken cancellationToken = default)
    {
        var value = await ChangeAsync(merchant, "extend_expiry_date",
            [reservationNumber, merchant.MerchantId, KlarnaDigest.Of(Eid(merchant), reservationNumber, merchant.SharedSecret)], cancellationToken);
        return Read("extend_expiry_date", value, v =>
        {
            var text = XmlRpcConvert.ToText(v);
            if (!DateTime.TryParseExact(text, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                throw new XmlRpcFormatException($"'{text}' is not a YYYYMMDDTHHMMSS expiry.");
            return new DateTimeOffset(local, Stockholm.GetUtcOffset(local));
        });
    }

    public async Task<string> PingAsync(KlarnaEnvironment environment, CancellationToken cancellationToken = default)
    {
        const string method = "version";
        try
        {
            return await readRetry.ExecuteAsync(async token =>
            {
                using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(urls.For(environment), method)), token);
                return (await response.Content.ReadAsStringAsync(token)).Trim();
            }, cancellationToken);
        }
        catch (TransientFailure failure)
        {
            throw new KlarnaUnavailableException(method, failure.Message, failure.InnerException);
        }
    }

    private Task<object> ChangeAsync(KlarnaCredentials merchant, string method, object[] parameters, CancellationToken cancellationToken) =>
        CallAsync(merchant, method, parameters, isRead: false, cancellationToken);

    private Task<object> ReadAsync(KlarnaCredentials merchant, string method, object[] parameters, CancellationToken cancellationToken) =>
        CallAsync(merchant, method, parameters, isRead: true, cancellationToken);

    private async Task<object> CallAsync(KlarnaCredentials merchant, string method, object[] parameters, bool isRead, CancellationToken cancellationToken)
    {
        var body = XmlRpcCodec.EncodeCall(method, [options.ProtocolVersion, options.ClientVersion, .. parameters]);
        var url = urls.For(merchant.Environment);
        try
        {
            return isRead
                ? await readRetry.ExecuteAsync(async token => await PostAsync(url, method, body, token), cancellationToken)
                : await PostAsync(url, method, body, cancellationToken);
        }
        catch (TransientFailure failure)
        {
            throw isRead
                ? new KlarnaUnavailableException(method, failure.Message, failure.InnerException)
                : new KlarnaOutcomeUnknownException(method, failure.Message, failure.InnerException);
        }
        catch (OperationCanceledException e) when (!isRead)
        {
            throw new KlarnaOutcomeUnknownException(method, "the call was cancelled while it was in flight", e);
        }
    }

    private async Task<object> PostAsync(Uri url, string method, byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(XmlRpcCodec.ContentType);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = content }, cancellationToken);
        XmlRpcResponse answer;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            answer = XmlRpcCodec.ReadResponse(stream);
        }
        catch (XmlRpcFormatException e)
        {
            throw new TransientFailure($"the answer to {method} is not XML-RPC ({e.Message})", e);
        }

        if (answer.Fault is { } fault)
        {
            if (fault.Code is (int)KlarnaFaultCode.Timeout or (int)KlarnaFaultCode.TimeoutAlternative)
                throw new TransientFailure($"Klarna fault {fault.Code} ({fault.Message})");
            throw new KlarnaFaultException(fault.Code, fault.Message);
        }
        return answer.Value!;
    }

    /// <summary>Sends with the per-call timeout; a timeout, network error or 5xx is transient, another non-success is not.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        HttpResponseMessage response;
        try
        {
            using (request)
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientFailure($"no answer within {options.Timeout.TotalSeconds:0.###} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientFailure($"network error ({e.Message})", e);
        }

        if (response.IsSuccessStatusCode)
            return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        if (status >= 500)
            throw new TransientFailure($"HTTP {status} from {request.RequestUri}");
        throw new KlarnaUnavailableException(request.RequestUri!.AbsolutePath, $"HTTP {status} from {request.RequestUri}");
    }

    private async Task<string> InvoiceCallAsync(KlarnaCredentials merchant, string method, string invoiceNumber, CancellationToken cancellationToken)
    {
        var value = await ChangeAsync(merchant, method, [merchant.MerchantId, invoiceNumber, InvoiceDigest(merchant, invoiceNumber)], cancellationToken);
        return Read(method, value, XmlRpcConvert.ToText);
    }

    /// <summary>An answer Klarna sent but this client cannot read: for a change its outcome is unknown.</summary>
    private static T Read<T>(string method, object value, Func<object, T> parse, bool isRead = false)
    {
        try
        {
            return parse(value);
        }
        catch (XmlRpcFormatException e)
        {
            var reason = $"the answer could not be read ({e.Message})";
            throw isRead ? new KlarnaUnavailableException(method, reason, e) : new KlarnaOutcomeUnknownException(method, reason, e);
        }
    }

    private static ReservationResult Reservation(object value)
    {
        var pair = Pair(value);
        return new ReservationResult(XmlRpcConvert.ToText(pair[0]), Status(pair[1]));
    }

    private static OrderStatus Status(object value)
    {
        var code = XmlRpcConvert.ToInt32(value);
        return Enum.IsDefined(typeof(OrderStatus), code) ? (OrderStatus)code : throw new XmlRpcFormatException($"{code} is not an order status.");
    }

    private static bool Ok(object value) =>
        XmlRpcConvert.ToText(value) == "ok" ? true : throw new XmlRpcFormatException($"Expected 'ok' but got {XmlRpcConvert.Describe(value)}.");

    private static IReadOnlyList<object> Pair(object value)
    {
        var items = XmlRpcConvert.ToArray(value);
        return items.Count == 2 ? items : throw new XmlRpcFormatException($"Expected two values but got {items.Count}.");
    }

    private static PClass PClassRow(IReadOnlyList<object> row)
    {
        if (row.Count < 10)
            throw new XmlRpcFormatException($"A PClass row has 10 values, this one {row.Count}.");
        var expire = XmlRpcConvert.ToText(row[9]);
        return new PClass(
            XmlRpcConvert.ToInt32(row[0]),
            XmlRpcConvert.ToText(row[1]),
            XmlRpcConvert.ToInt32(row[2]),
            XmlRpcConvert.ToInt32(row[3]),
            XmlRpcConvert.ToInt32(row[4]),
            XmlRpcConvert.ToInt32(row[5]),
            XmlRpcConvert.ToInt32(row[6]),
            Country(row[7]),
            (PClassType)XmlRpcConvert.ToInt32(row[8]),
            expire is "-" or "" ? null
                : DateOnly.TryParseExact(expire, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
                : throw new XmlRpcFormatException($"'{expire}' is not a PClass expiry date."));
    }

    /// <summary>A get_addresses row in the shape its lookup type answers (see the sandbox's SandboxAddressLookup).</summary>
    private static RegisteredAddress AddressRow(IReadOnlyList<object> row, AddressLookupType type)
    {
        string Text(int index) => XmlRpcConvert.ToText(row[index]);
        return (type, row.Count) switch
        {
            (AddressLookupType.Phone, 7) => new RegisteredAddress(Text(1), Text(2), "", Text(3), Text(4), Text(5), Country(row[6])) { PersonalNumber = Text(0) },
            (AddressLookupType.All, 6) when Text(0).Length == 0 => new RegisteredAddress("", "", Text(1), Text(2), Text(3), Text(4), Country(row[5])),
            (AddressLookupType.All or AddressLookupType.Given, 6) => new RegisteredAddress(Text(0), Text(1), "", Text(2), Text(3), Text(4), Country(row[5])),
            // Klarna cannot tell a company from a person by their last address: the name is read as a last name.
            (AddressLookupType.Last, 5) => new RegisteredAddress("", Text(0), "", Text(1), Text(2), Text(3), Country(row[4])),
            (AddressLookupType.Given, 5) => new RegisteredAddress("", "", Text(0), Text(1), Text(2), Text(3), Country(row[4])),
            _ => throw new XmlRpcFormatException($"A get_addresses row of type {(int)type} cannot have {row.Count} values."),
        };
    }

    private static KlarnaCountry Country(object value)
    {
        var code = XmlRpcConvert.ToInt32(value);
        return Enum.IsDefined(typeof(KlarnaCountry), code) ? (KlarnaCountry)code : throw new XmlRpcFormatException($"{code} is not a Klarna country.");
    }

    private static Dictionary<string, object> Address(KlarnaAddress address) => new()
    {
        ["email"] = address.Email,
        ["telno"] = address.Phone,
        ["cellno"] = address.CellPhone,
        ["fname"] = address.FirstName,
        ["lname"] = address.LastName,
        ["company"] = address.Company,
        ["careof"] = address.CareOf,
        ["street"] = address.Street,
        ["house_number"] = address.HouseNumber,
        ["house_extension"] = address.HouseExtension,
        ["zip"] = address.PostalCode,
        ["city"] = address.City,
        ["country"] = (int)address.Country,
    };

    private static Dictionary<string, object> Goods(GoodsLine line) => new()
    {
        ["goods"] = new Dictionary<string, object>
        {
            ["artno"] = line.ArticleNumber,
            ["title"] = line.Title,
            ["price"] = line.UnitPrice,
            ["vat"] = line.VatPercent,
            ["discount"] = line.DiscountPercent,
            ["flags"] = (int)line.Flags,
        },
        ["qty"] = line.Quantity,
    };

    private static Dictionary<string, object> Article(ArticleQuantity article) => new()
    {
        ["artno"] = article.ArticleNumber,
        ["qty"] = article.Quantity,
    };

    private static void AddIfSet(Dictionary<string, object> members, string name, string value)
    {
        if (value.Length > 0)
            members[name] = value;
    }

    private static List<object> EmptyArray() => [];

    private static string InvoiceDigest(KlarnaCredentials merchant, string invoiceNumber) =>
        KlarnaDigest.Of(Eid(merchant), invoiceNumber, merchant.SharedSecret);

    private static string Eid(KlarnaCredentials merchant) => Number(merchant.MerchantId);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Timeouts, network errors, 5xx, unreadable answers and Klarna's own timeout faults.</summary>
    private sealed class TransientFailure(string message, Exception? inner = null) : Exception(message, inner);
}
