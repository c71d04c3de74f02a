using System.Globalization;
using System.Net;
using System.Text;
using BackOffice.Klarna.Sandbox;
using BackOffice.Klarna.Tests.Infrastructure;
using BackOffice.Klarna.XmlRpc;

namespace BackOffice.Klarna.Tests.Sandbox;

/// <summary>
/// Requests written the way Klarna's own legacy clients write them (klarna/php-xmlrpc with phpxmlrpc's encoder,
/// Klarna's Python client with xmlrpclib, the Ruby clients), which Klarna accepted and so must the sandbox.
/// </summary>
public sealed class ClientRequestShapeTests(SandboxHost sandbox) : IClassFixture<SandboxHost>
{
    private const string PhpClient = "php:api:5.0.0";

    [Fact]
    public async Task Php_reservation_with_double_prices_title_only_fees_a_dashed_pno_and_empty_structs()
    {
        // docs/examples/reserveAmount.php: 4 × 299.99 plus fees of 14.50 and 11.50 without article numbers; amount −1
        // makes the client send round(1225.96) = 1226.
        var answer = await PostAsync("reserve_amount", PhpReservation("410321-9202", 1226, "order-php"), Encoding.Latin1, "ISO-8859-1");

        var rno = XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(answer))[0]);
        var reservation = (await sandbox.Control.ReservationAsync(rno))!;
        Assert.Equal(1226, reservation.Amount);
        Assert.Equal(["MG200MMS", "Shipping fee", "Handling fee"], reservation.Lines.Select(l => l.ArticleNumber));
        Assert.Equal("Stårgatan 1", reservation.Billing!.Street);
    }

    [Fact]
    public async Task Php_phone_transaction_sends_no_addresses()
    {
        var parameters = PhpReservation("410321-9202", 1226, "order-phone");
        (parameters[7], parameters[8], parameters[10]) = (Str(""), Str(""), Int(512));

        var answer = await PostAsync("reserve_amount", parameters, Encoding.Latin1, "ISO-8859-1");

        Assert.Equal(1, XmlRpcConvert.ToArray(Success(answer))[1]);
        parameters[10] = Int(0);
        var refused = await PostAsync("reserve_amount", parameters, Encoding.Latin1, "ISO-8859-1");
        Assert.Equal((int)KlarnaFaultCode.Country, refused.Fault!.Code);
    }

    [Fact]
    public async Task Php_activate_with_an_empty_struct_for_its_optional_info()
    {
        var rno = await ReservePhpAsync();
        var digest = Digest("4:1", PhpClient, Number(SandboxHost.Eid), rno);

        var answer = await PostAsync("activate", [Int(SandboxHost.Eid), Str(digest), Str(rno), "<struct></struct>"], Encoding.Latin1, "ISO-8859-1");

        Assert.Equal("ok", XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(answer))[0]));
        Assert.Equal("FullyActivated", (await sandbox.Control.ReservationAsync(rno))!.State);
    }

    [Fact]
    public async Task Php_activate_signs_the_delay_adjust_of_the_shipment_info_it_always_sends()
    {
        // Klarna::activate puts shipInfo into optional_info and signs its delay_adjust after the optional keys.
        var rno = await ReservePhpAsync();
        var digest = Digest("4:1", PhpClient, Number(SandboxHost.Eid), rno, "order-php-1", "1", "MG200MMS", "2");
        var info = Struct(("orderid1", Str("order-php-1")), ("shipment_info", Struct(("delay_adjust", Int(1)))),
            ("artnos", $"<array><data><value>{Struct(("artno", Str("MG200MMS")), ("qty", Int(2)))}</value></data></array>"));

        var answer = await PostAsync("activate", [Int(SandboxHost.Eid), Str(digest), Str(rno), info], Encoding.Latin1, "ISO-8859-1");

        Assert.Equal("ok", XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(answer))[0]));
        Assert.Equal(600, Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).Amount);
    }

    [Fact]
    public async Task Php_update_of_the_goods_with_empty_lists_for_the_addresses_it_leaves_alone()
    {
        // docs/examples/update.php: the cart replaced, no address set (phpxmlrpc writes the empty array as <struct/>
        // or as an empty array), order ids empty; signed proto:client:eid:rno:(artno or title:qty)*:secret.
        var rno = await ReservePhpAsync();
        var digest = Digest("4:1", PhpClient, Number(SandboxHost.Eid), rno, "MG200MMS", "2", "Shipping fee", "1");
        var info = Struct(
            ("goods_list", $"<array><data>{Goods("MG200MMS", "Matrox G200 MMS", "<double>299.99</double>", 2)}{Goods("", "Shipping fee", "<double>14.5</double>", 1)}</data></array>"),
            ("dlv_addr", "<struct/>"),
            ("bill_addr", "<array><data/></array>"),
            ("orderid1", Str("")),
            ("orderid2", Str("")));

        var answer = await PostAsync("update", [Int(SandboxHost.Eid), Str(digest), Str(rno), info], Encoding.Latin1, "ISO-8859-1");

        Assert.Equal("ok", Success(answer));
        var reservation = (await sandbox.Control.ReservationAsync(rno))!;
        Assert.Equal(600 + 15, reservation.Amount);
        Assert.Equal("Stårgatan 1", reservation.Shipping!.Street);
    }

    [Fact]
    public async Task Php_extend_invoice_due_date_with_a_boolean_dry_run()
    {
        var rno = await ReservePhpAsync();
        var invno = (await sandbox.Gateway().ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber;
        var options = Struct(("days", Int(7)), ("calculate_only", "<boolean>1</boolean>"));

        var answer = await PostAsync("extend_invoice_due_date", [Int(SandboxHost.Eid), Str(invno), Str(Digest(Number(SandboxHost.Eid), invno)), options], Encoding.Latin1, "ISO-8859-1");

        var quote = XmlRpcConvert.ToStruct(Success(answer));
        Assert.Equal(100, quote["cost"]);
    }

    [Fact]
    public async Task Python_calls_in_utf8_without_a_charset_get_addresses_has_account_and_update_orderno()
    {
        // xmlrpclib: <?xml version='1.0'?>, ints as <int>, the client ip as get_addresses' last parameter.
        var addresses = await PostAsync("get_addresses",
            [Str("410321-9202"), Int(SandboxHost.Eid), Str(Digest(Number(SandboxHost.Eid), "410321-9202")), Int(2), Int(5), Str("83.10.0.5")],
            Encoding.UTF8, declaration: "<?xml version='1.0'?>", contentType: "text/xml");
        Assert.Equal("Testperson-se", XmlRpcConvert.ToText(XmlRpcConvert.ToArray(XmlRpcConvert.ToArray(Success(addresses))[0])[0]));

        var account = await PostAsync("has_account",
            [Int(SandboxHost.Eid), Str("410321-9202"), Str(Digest(Number(SandboxHost.Eid), "410321-9202")), Int(2)],
            Encoding.UTF8, declaration: "<?xml version='1.0'?>", contentType: "text/xml");
        Assert.Equal("true", Success(account));

        var rno = await ReservePhpAsync();
        var invno = (await sandbox.Gateway().ActivateAsync(sandbox.Merchant, rno)).InvoiceNumber;
        var renamed = await PostAsync("update_orderno",
            [Int(SandboxHost.Eid), Str(Digest(invno, "order-py")), Str(invno), Str("order-py")],
            Encoding.UTF8, declaration: "<?xml version='1.0'?>", contentType: "text/xml");
        Assert.Equal(invno, Success(renamed));
        Assert.Equal("order-py", Assert.Single((await sandbox.Control.ReservationAsync(rno))!.Invoices).OrderId);
    }

    [Fact]
    public async Task Ruby_calls_with_i4_whole_double_prices_bare_text_and_optional_parameters_left_off()
    {
        // The Ruby clients: <i4>, prices as 1.00 * 100 (a double), a bare-text string, no XML encoding declared.
        var goods = $"<array><data>{Goods("ABC1", "T-shirt 1", "<double>100.0</double>", 1, intTag: "i4")}</data></array>";
        var address = Address("Testperson-de", "Approved", "Hellersbergstraße", "14", "41460", "Neuss", 81, intTag: "i4");
        string[] reservation =
        [
            "<string>07071960</string>", "<i4>1</i4>", "<i4>100</i4>", Str(""), Str(""), "order-rb", Str(""), address, address,
            Str("85.230.98.196"), "<i4>0</i4>", "<i4>2</i4>", "<i4>81</i4>", "<i4>28</i4>", $"<i4>{SandboxHost.Eid}</i4>",
            Str(Digest(Number(SandboxHost.Eid), "07071960", "100")), "<i4>6</i4>", "<i4>-1</i4>", goods,
        ];
        var reserved = await PostAsync("reserve_amount", reservation, Encoding.UTF8, declaration: "<?xml version=\"1.0\" ?>", contentType: "text/xml", bareValues: true);
        var rno = XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(reserved))[0]);

        var status = await PostAsync("check_order_status", [$"<i4>{SandboxHost.Eid}</i4>", Str(Digest(Number(SandboxHost.Eid), rno)), Str(rno)],
            Encoding.UTF8, declaration: "<?xml version=\"1.0\" ?>", contentType: "text/xml");
        Assert.Equal(1, Success(status));

        var activated = await PostAsync("activate", [$"<i4>{SandboxHost.Eid}</i4>", Str(Digest("4:1", PhpClient, Number(SandboxHost.Eid), rno)), Str(rno)],
            Encoding.UTF8, declaration: "<?xml version=\"1.0\" ?>", contentType: "text/xml");
        Assert.Equal("ok", XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(activated))[0]));
    }

    /// <summary>
    /// A lookup by phone as a Ruby client recorded it against Klarna's test server in 2013 (VCR cassette
    /// "get_addresses for TNO 46701111111"): request as sent, digest signed again; the answer must be Klarna's.
    /// </summary>
    [Fact]
    public async Task Ruby_recorded_lookup_by_phone_gets_the_recorded_answer()
    {
        const string request = """<?xml version="1.0" ?><methodCall><methodName>get_addresses</methodName><params><param><value><string>4.1</string></value></param><param><value><string>ruby_client</string></value></param><param><value><string>46701111111</string></value></param><param><value><i4>10</i4></value></param><param><value><string>DIGEST</string></value></param><param><value><i4>2</i4></value></param><param><value><i4>6</i4></value></param><param><value><string></string></value></param></params></methodCall>""";
        const string recorded = """<?xml version="1.0" encoding="ISO-8859-1"?><methodResponse><params><param><value><array><data><value><array><data><value><string>410321-9202</string></value><value><string>Testperson-se</string></value><value><string>Approved</string></value><value><string>Stårgatan 1</string></value><value><string>12345</string></value><value><string>Ankeborg</string></value><value><int>209</int></value></data></array></value></data></array></value></param></params></methodResponse>""";
        var body = request.Replace("DIGEST", KlarnaDigest.Of("10", "46701111111", SandboxHost.Secrets[10]), StringComparison.Ordinal);

        using var http = new HttpClient();
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("text/xml;charset=iso-8859-1");
        using var response = await http.PostAsync(sandbox.BaseAddress, content);
        var answer = XmlRpcCodec.ReadResponse(await response.Content.ReadAsStreamAsync());

        Assert.Equal(XmlRpcCodec.ReadResponse(recorded).Value, answer.Value);
    }

    [Fact]
    public async Task Nil_values_read_as_the_empty_string()
    {
        var rno = await ReservePhpAsync();
        var digest = Digest(Number(SandboxHost.Eid), rno, "100");

        var answer = await PostAsync("change_reservation", [Str(rno), Int(100), Int(SandboxHost.Eid), Str(digest)], Encoding.Latin1, "ISO-8859-1");

        Assert.Equal("ok", Success(answer));
        Assert.Equal(100, (await sandbox.Control.ReservationAsync(rno))!.Amount);
        var refused = await PostAsync("cancel_reservation", [Str(rno), "<nil/>", Str(digest)], Encoding.Latin1, "ISO-8859-1");
        Assert.Equal(SandboxFault.InvalidParameters, refused.Fault!.Code);
    }

    private async Task<string> ReservePhpAsync()
    {
        var answer = await PostAsync("reserve_amount", PhpReservation("410321-9202", 1226, "order-" + Guid.NewGuid().ToString("N")[..8]), Encoding.Latin1, "ISO-8859-1");
        return XmlRpcConvert.ToText(XmlRpcConvert.ToArray(Success(answer))[0]);
    }

    private static string[] PhpReservation(string pno, int amount, string orderId)
    {
        var address = Address("Testperson-se", "Approved", "Stårgatan 1", "", "12345", "Ankeborg", 209);
        var goods = "<array><data>"
            + Goods("MG200MMS", "Matrox G200 MMS", "<double>299.99</double>", 4)
            + Goods("", "Shipping fee", "<double>14.5</double>", 1, flags: 32 | 8)
            + Goods("", "Handling fee", "<double>11.5</double>", 1, flags: 32 | 16)
            + "</data></array>";
        return
        [
            Str(pno), Str(""), Int(amount), Str(""), Str(""), Str(orderId), Str(""), address, address, Str("127.0.0.1"), Int(0), Int(0), Int(209),
            Int(138), Int(SandboxHost.Eid), Str(Digest(Number(SandboxHost.Eid), pno, Number(amount))), Int(2), Int(-1), goods, Str(""),
            Struct(("delay_adjust", Int(1))), "<struct></struct>", "<struct></struct>", "<struct></struct>", "<struct></struct>", "<struct></struct>",
        ];
    }

    private static string Address(string first, string last, string street, string houseNumber, string zip, string city, int country, string intTag = "int") => Struct(
        ("email", Str("always_approved@klarna.com")), ("telno", Str("")), ("cellno", Str("0762560000")), ("fname", Str(first)), ("lname", Str(last)),
        ("company", Str("")), ("careof", Str("")), ("street", Str(street)), ("house_number", Str(houseNumber)), ("house_extension", Str("")),
        ("zip", Str(zip)), ("city", Str(city)), ("country", $"<{intTag}>{country}</{intTag}>"));

    private static string Goods(string artno, string title, string price, int quantity, int flags = 32, string intTag = "int") =>
        "<value>" + Struct(
            ("goods", Struct(("artno", Str(artno)), ("title", Str(title)), ("price", price), ("vat", $"<{intTag}>25</{intTag}>"),
                ("discount", $"<{intTag}>0</{intTag}>"), ("flags", $"<{intTag}>{flags}</{intTag}>"))),
            ("qty", $"<{intTag}>{quantity}</{intTag}>")) + "</value>";

    private static string Struct(params (string Name, string Value)[] members) =>
        "<struct>" + string.Concat(members.Select(m => $"<member><name>{m.Name}</name><value>{m.Value}</value></member>")) + "</struct>";

    private static string Str(string text) => $"<string>{WebUtility.HtmlEncode(text)}</string>";

    private static string Int(int value) => $"<int>{value}</int>";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Digest(params string[] fields) => KlarnaDigest.Of([.. fields, SandboxHost.Secret]);

    private static object Success(XmlRpcResponse answer)
    {
        Assert.Null(answer.Fault);
        return answer.Value!;
    }

    /// <summary>
    /// Posts proto 4.1 and the PHP client's client_vsn, then the parameters: each a typed value, or (with
    /// <paramref name="bareValues"/>) an untyped one given without a tag, as bare text.
    /// </summary>
    private async Task<XmlRpcResponse> PostAsync(string method, string[] parameters, Encoding encoding, string? charset = null,
        string? declaration = null, string contentType = "text/xml; charset=ISO-8859-1", bool bareValues = false)
    {
        declaration ??= $"<?xml version=\"1.0\" encoding=\"{charset}\"?>";
        var values = new[] { "<string>4.1</string>", Str(PhpClient) }.Concat(parameters)
            .Select(p => p.StartsWith('<') || !bareValues ? p : WebUtility.HtmlEncode(p));
        var xml = $"{declaration}\n<methodCall>\n<methodName>{method}</methodName>\n<params>\n"
            + string.Concat(values.Select(v => $"<param>\n<value>{v}</value>\n</param>\n")) + "</params>\n</methodCall>";
        using var http = new HttpClient();
        using var content = new ByteArrayContent(encoding.GetBytes(xml));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await http.PostAsync(sandbox.BaseAddress, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XmlRpcCodec.ReadResponse(await response.Content.ReadAsStreamAsync());
    }
}
