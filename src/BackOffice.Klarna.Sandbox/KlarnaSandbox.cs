using System.Globalization;
using System.Net;
using BackOffice.Klarna.XmlRpc;
using BackOffice.Sandbox.Kit;
using Microsoft.Extensions.Options;

namespace BackOffice.Klarna.Sandbox;

/// <summary>
/// A stateful, thread-safe stand-in for Klarna's test server: reservations, invoices, the test triggers of
/// PROTOCOL.md §7 and every fault of §6. All state sits behind one lock, so concurrent calls on one
/// reservation are serialized exactly as they must be.
/// </summary>
public sealed class KlarnaSandbox(IOptionsMonitor<SandboxOptions> options, TimeProvider time)
{
    /// <summary>Latency, injected failures and call counts, steered by the control API.</summary>
    public SandboxTraffic Traffic { get; } = new(() => options.CurrentValue.LatencyMs);

    public const string PendingAcceptedEmail = "pending_accepted@klarna.com";
    public const string PendingDeniedEmail = "pending_denied@klarna.com";
    public const string DeniedLastName = "Denied";
    public const string TestPersonNumber = "4103219202";

    /// <summary>Days an invoice is due after activation (chosen).</summary>
    public const int InvoiceDueDays = 14;

    /// <summary>What extending an invoice's due date costs the merchant, per started week (chosen).</summary>
    public const int DueDateExtensionCostPerWeek = 100;

    private static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    private readonly Lock gate = new();
    private readonly Dictionary<string, Reservation> reservations = [];
    private readonly Dictionary<string, Invoice> invoices = [];
    private readonly List<SandboxExecution> executions = [];

    /// <summary>Handles one call (after the envelope was checked) and returns its XML-RPC result; refusals throw <see cref="SandboxFault"/>.</summary>
    public object Handle(XmlRpcCall call)
    {
        if (call.Parameters.Count < 2)
            throw SandboxFault.Parameters("every call starts with proto_vsn and client_vsn.");
        var protocolVersion = call.Parameters[0] as string;
        if (protocolVersion is not ("4.1" or "4.2"))
            throw new SandboxFault(KlarnaFaultCode.ProtoVsn);
        if (call.Parameters[1] is not string { Length: > 0 } clientVersion)
            throw SandboxFault.Parameters("client_vsn must be a non-empty string.");

        var args = new SandboxArguments(call.Method, call.Parameters.Skip(2).ToList());
        lock (gate)
        {
            var result = call.Method switch
            {
                "reserve_amount" => ReserveAmount(args),
                "activate" => Activate(args, protocolVersion, clientVersion),
                "split_reservation" => SplitReservation(args),
                "change_reservation" => ChangeReservation(args),
                "cancel_reservation" => CancelReservation(args),
                "credit_invoice" => CreditInvoice(args),
                "credit_part" => CreditPart(args),
                "return_amount" => ReturnAmount(args),
                "check_order_status" => CheckOrderStatus(args),
                "get_pclasses" => GetPClasses(args),
                "get_addresses" => GetAddresses(args),
                "email_invoice" or "send_invoice" => ResendInvoice(args),
                "extend_expiry_date" => ExtendExpiryDate(args),
                "update" => Update(args, protocolVersion, clientVersion),
                "update_orderno" => UpdateOrderNumber(args),
                "extend_invoice_due_date" => ExtendInvoiceDueDate(args),
                "has_account" => HasAccount(args),
                _ => throw new SandboxFault(SandboxFault.UnknownMethod, $"unknown method {call.Method}"),
            };
            if (ExecutionOf(call.Method, args, result) is { } execution)
                executions.Add(execution);
            return result;
        }
    }

    /// <summary>Every call that changed something, in order: what a test compares with what the client meant to do.</summary>
    public IReadOnlyList<SandboxExecution> Executions()
    {
        lock (gate)
            return [.. executions];
    }

    /// <summary>Every reservation made for an order (orderid1 or orderid2): the original and those split off it.</summary>
    public IReadOnlyList<SandboxReservationView> FindOrder(string orderId)
    {
        lock (gate)
        {
            return [.. reservations.Values.Where(r => orderId.Length > 0 && (r.OrderId1 == orderId || r.OrderId2 == orderId)).OrderBy(r => r.CreatedAt).Select(r =>
            {
                Refresh(r);
                return r.View(invoices.Values.Where(i => i.Rno == r.Rno).Select(i => i.View()).ToList());
            })];
        }
    }

    public SandboxReservationView? FindReservation(string rno)
    {
        lock (gate)
        {
            if (!reservations.TryGetValue(rno, out var reservation))
                return null;
            Refresh(reservation);
            return reservation.View(invoices.Values.Where(i => i.Rno == rno).Select(i => i.View()).ToList());
        }
    }

    /// <summary>Decides a pending reservation now, as Klarna's manual review would.</summary>
    public bool ResolvePending(string rno, OrderStatus outcome)
    {
        lock (gate)
        {
            if (!reservations.TryGetValue(rno, out var reservation) || reservation.Status != OrderStatus.Pending || outcome == OrderStatus.Pending)
                return false;
            reservation.Status = outcome;
            reservation.PendingOutcome = null;
            return true;
        }
    }

    public void Reset()
    {
        lock (gate)
        {
            reservations.Clear();
            invoices.Clear();
            executions.Clear();
        }
    }

    private SandboxExecution? ExecutionOf(string method, SandboxArguments args, object result)
    {
        var at = time.GetUtcNow();
        string Text(int index) => args.Text(index, "id");
        long Amount(int index) => args.Int(index, "amount");
        return method switch
        {
            "reserve_amount" => new(method, Text(5), Amount(2), XmlRpcConvert.ToText(((List<object>)result)[0]), at),
            "activate" => new(method, Text(2), null, XmlRpcConvert.ToText(((List<object>)result)[1]), at),
            "split_reservation" => new(method, Text(0), Amount(1), XmlRpcConvert.ToText(((List<object>)result)[0]), at),
            "change_reservation" => new(method, Text(0), Amount(1), null, at),
            "cancel_reservation" or "extend_expiry_date" => new(method, Text(0), null, null, at),
            "update" or "update_orderno" => new(method, Text(2), null, null, at),
            "extend_invoice_due_date" when !CalculateOnly(args) => new(method, Text(1), null, null, at),
            "credit_invoice" or "credit_part" or "email_invoice" or "send_invoice" => new(method, Text(1), null, null, at),
            "return_amount" => new(method, Text(1), Amount(2), null, at),
            _ => null,
        };
    }

    private object ReserveAmount(SandboxArguments args)
    {
        args.ExpectAtLeast(19);
        var pno = args.Text(0, "pno");
        var amount = args.Int(2, "amount");
        var orderId1 = args.Text(5, "orderid1");
        var orderId2 = args.Text(6, "orderid2");
        var shipping = args.Struct(7, "dlv_addr");
        var billing = args.Struct(8, "bill_addr");
        var clientIp = args.Text(9, "client_ip");
        var currency = args.Int(11, "currency");
        var country = args.Int(12, "country");
        var eid = args.Int(14, "eid");
        var digest = args.Text(15, "digest");
        var pclass = args.Int(17, "pclass");
        var goods = args.Array(18, "goods_list");

        var merchant = Merchant(eid);
        Verify(digest, KlarnaDigest.Text.Join(Number(eid), pno, Number(amount), merchant.Secret));

        if (pno.Length == 0)
            throw SandboxFault.Parameters("pno is empty.");
        if (!Enum.IsDefined(typeof(KlarnaCountry), country) || !Enum.IsDefined(typeof(KlarnaCurrency), currency)
            || !KlarnaMarkets.IsValid((KlarnaCountry)country, (KlarnaCurrency)currency))
            throw new SandboxFault(KlarnaFaultCode.Currency);
        // A phone transaction (Klarna Mobile) comes without addresses: PHP's client sends them as empty strings.
        var byPhone = (args.Int(10, "flags") & (int)ReservationFlags.PhoneTransaction) != 0;
        if (!byPhone || shipping.Count > 0)
            CheckAddress(shipping, country);
        if (!byPhone || billing.Count > 0)
            CheckAddress(billing, country);
        if (clientIp.Length > 0 && !IPAddress.TryParse(clientIp, out _))
            throw new SandboxFault(KlarnaFaultCode.ClientIp);
        if (pclass != -1 && !SandboxPClasses.All.Any(p => p.Id == pclass && (int)p.Country == country))
            throw new SandboxFault(KlarnaFaultCode.UnknownPClass);
        var (lines, exactTotal) = GoodsLines(goods);
        if (amount <= 0)
            throw new SandboxFault(KlarnaFaultCode.Amount);
        // Whole minor units per line, or the cart's exact total rounded once (PHP's client sums unrounded prices).
        if (amount != lines.Sum(l => l.Total) && amount != Math.Round(exactTotal, MidpointRounding.AwayFromZero))
            throw new SandboxFault(KlarnaFaultCode.GoodsList);
        var lastName = billing.Count == 0 ? "" : SandboxArguments.Member(billing, "lname", XmlRpcConvert.ToText);
        if (lastName == DeniedLastName || SandboxTestData.Person((KlarnaCountry)country, pno, lastName) is { Approved: false }
            || SandboxTestData.Company((KlarnaCountry)country, pno) is { Approved: false })
            throw new SandboxFault(KlarnaFaultCode.Credit);

        var now = time.GetUtcNow();
        var email = billing.Count == 0 ? "" : SandboxArguments.Member(billing, "email", XmlRpcConvert.ToText);
        var reservation = new Reservation(NewNumber(reservations, 10), eid, (KlarnaCountry)country, (KlarnaCurrency)currency, orderId1, orderId2, amount, lines, now)
        {
            ExpiresAt = now.AddDays(options.CurrentValue.ReservationDays),
            Billing = AddressOf(billing),
            Shipping = AddressOf(shipping),
        };
        // Klarna's test server looked at the e-mail's local part only: pending_accepted@ any domain.
        var mailbox = email.Split('@')[0].ToLowerInvariant();
        if (mailbox is "pending_accepted" or "pending_denied")
        {
            reservation.Status = OrderStatus.Pending;
            reservation.PendingOutcome = mailbox == "pending_accepted" ? OrderStatus.Accepted : OrderStatus.Denied;
            reservation.DecidedAt = now.AddSeconds(options.CurrentValue.PendingSeconds);
        }
        reservations[reservation.Rno] = reservation;
        return new List<object> { reservation.Rno, (int)reservation.Status };
    }

    private object Activate(SandboxArguments args, string protocolVersion, string clientVersion)
    {
        args.ExpectAtLeast(3);
        var eid = args.Int(0, "eid");
        var digest = args.Text(1, "digest");
        var rno = args.Text(2, "rno");
        var optionalInfo = args.Has(3) ? args.Struct(3, "optional_info") : new Dictionary<string, object>();
        var merchant = Merchant(eid);
        Verify(digest, KlarnaDigest.Text.Activate(protocolVersion, clientVersion, eid, rno, optionalInfo, merchant.Secret));

        var reservation = Changeable(eid, rno);
        List<Line> captured;
        if (optionalInfo.TryGetValue("artnos", out var artnos))
        {
            captured = [];
            foreach (var (artno, quantity) in Articles(artnos))
            {
                var line = reservation.Lines.FirstOrDefault(l => l.ArticleNumber == artno) ?? throw new SandboxFault(KlarnaFaultCode.UnknownArtNo);
                if (quantity > line.Quantity)
                    throw new SandboxFault(KlarnaFaultCode.Amount);
                captured.Add(line with { Quantity = quantity });
            }
            if (captured.Sum(l => l.Total) > reservation.Amount)
                throw new SandboxFault(KlarnaFaultCode.Amount);
        }
        else
        {
            captured = [.. reservation.Lines.Where(l => l.Quantity > 0)];
        }

        var amount = optionalInfo.ContainsKey("artnos") ? captured.Sum(l => l.Total) : reservation.Amount;
        foreach (var line in captured)
            reservation.Take(line.ArticleNumber, line.Quantity);
        reservation.Amount -= amount;
        reservation.Activated += amount;
        if (reservation.Amount == 0)
            reservation.State = ReservationState.FullyActivated;

        var invoice = new Invoice(NewNumber(invoices, 17), eid, rno, amount, captured, time.GetUtcNow());
        invoices[invoice.Invno] = invoice;
        return new List<object> { "ok", invoice.Invno };
    }

    private object SplitReservation(SandboxArguments args)
    {
        args.ExpectAtLeast(7);
        var (eid, rno) = Signed(args, eid: 5, id: 0, idName: "rno", digest: 6, amount: 1);
        var amount = args.Int(1, "amount");

        var original = Changeable(eid, rno);
        if (amount <= 0 || amount >= original.Amount)
            throw new SandboxFault(KlarnaFaultCode.Amount);
        original.Amount -= amount;
        var now = time.GetUtcNow();
        var split = new Reservation(NewNumber(reservations, 10), eid, original.Country, original.Currency,
            args.Text(2, "orderid1"), args.Text(3, "orderid2"), amount, [], now) { ExpiresAt = original.ExpiresAt };
        reservations[split.Rno] = split;
        return new List<object> { split.Rno, (int)split.Status };
    }

    private object ChangeReservation(SandboxArguments args)
    {
        args.ExpectAtLeast(4);
        var (eid, rno) = Signed(args, eid: 2, id: 0, idName: "rno", digest: 3, amount: 1);
        var amount = args.Int(1, "amount");
        var flags = args.Has(4) ? args.Int(4, "flags") : 0;

        var reservation = Changeable(eid, rno);
        var newAmount = flags == 1 ? reservation.Amount + amount : amount;
        if (newAmount <= 0 || newAmount > reservation.Amount)
            throw new SandboxFault(KlarnaFaultCode.Amount);
        reservation.Amount = newAmount;
        return "ok";
    }

    private object CancelReservation(SandboxArguments args)
    {
        args.ExpectAtLeast(3);
        var (eid, rno) = Signed(args, eid: 1, id: 0, idName: "rno", digest: 2);

        var reservation = Existing(eid, rno);
        if (reservation.State == ReservationState.FullyActivated || reservation.Status == OrderStatus.Denied)
            throw new SandboxFault(KlarnaFaultCode.NotAllowedOperation);
        Open(reservation);
        reservation.Amount = 0;
        reservation.State = ReservationState.Cancelled;
        return "ok";
    }

    private object CreditInvoice(SandboxArguments args)
    {
        args.ExpectAtLeast(4);
        var invoice = SignedInvoice(args, eidIndex: 0, invnoIndex: 1, digestIndex: 3);
        if (invoice.Remaining == 0)
            throw new SandboxFault(KlarnaFaultCode.InvoiceBadStatus);
        invoice.Credited = invoice.Amount;
        foreach (var line in invoice.Lines)
            line.Credited = line.Quantity;
        return invoice.Invno;
    }

    private object CreditPart(SandboxArguments args)
    {
        args.ExpectAtLeast(5);
        var eid = args.Int(0, "eid");
        var invno = args.Text(1, "invno");
        var merchant = Merchant(eid);
        var articles = CreditedArticles(args);
        Verify(args.Text(4, "digest"), KlarnaDigest.Text.CreditPart(eid, invno, articles.Signed.Select(a => new ArticleQuantity(a.ArticleNumber, a.Quantity)), merchant.Secret));

        var invoice = ExistingInvoice(eid, invno);
        var credits = articles.Credited.Select(a => (Line: invoice.Lines.FirstOrDefault(l => l.ArticleNumber == a.ArticleNumber), a.Quantity)).ToList();
        if (credits.Any(c => c.Line is null))
            throw new SandboxFault(KlarnaFaultCode.UnknownArtNo);
        var amount = credits.Sum(c => c.Line!.UnitPrice * c.Quantity);
        if (credits.Any(c => c.Quantity > c.Line!.Quantity - c.Line.Credited) || amount > invoice.Remaining)
            throw new SandboxFault(KlarnaFaultCode.InvoiceBadStatus);
        foreach (var (line, quantity) in credits)
            line!.Credited += quantity;
        invoice.Credited += amount;
        return invoice.Invno;
    }

    private object ReturnAmount(SandboxArguments args)
    {
        args.ExpectAtLeast(7);
        var amount = args.Int(2, "amount");
        args.Number(3, "vat");
        var invoice = SignedInvoice(args, eidIndex: 0, invnoIndex: 1, digestIndex: 4);
        if (amount <= 0)
            throw new SandboxFault(KlarnaFaultCode.Amount);
        if (amount > invoice.Remaining)
            throw new SandboxFault(KlarnaFaultCode.InvoiceBadStatus);
        invoice.Credited += amount;
        return invoice.Invno;
    }

    private object CheckOrderStatus(SandboxArguments args)
    {
        args.ExpectAtLeast(3);
        var (eid, id) = Signed(args, eid: 0, id: 2, idName: "id", digest: 1);
        var type = args.Has(3) ? args.Int(3, "type") : (int)OrderIdType.ReservationOrInvoiceNumber;

        if (type == (int)OrderIdType.OrderId)
        {
            var byOrder = reservations.Values.FirstOrDefault(r => r.Eid == eid && id.Length > 0 && (r.OrderId1 == id || r.OrderId2 == id))
                ?? throw new SandboxFault(KlarnaFaultCode.Rno);
            return (int)Open(byOrder).Status;
        }
        if (type != (int)OrderIdType.ReservationOrInvoiceNumber)
            throw SandboxFault.Parameters("type must be 0 or 1.");
        if (invoices.TryGetValue(id, out var invoice) && invoice.Eid == eid)
            return (int)OrderStatus.Accepted;
        return (int)Open(Existing(eid, id)).Status;
    }

    private object GetPClasses(SandboxArguments args)
    {
        args.ExpectAtLeast(5);
        var eid = args.Int(0, "eid");
        var currency = args.Int(1, "currency");
        var country = args.Int(3, "country");
        args.Int(4, "language");
        var merchant = Merchant(eid);
        Verify(args.Text(2, "digest"), KlarnaDigest.Text.Join(Number(eid), Number(currency), merchant.Secret));
        if (!Enum.IsDefined(typeof(KlarnaCountry), country) || !Enum.IsDefined(typeof(KlarnaCurrency), currency)
            || !KlarnaMarkets.IsValid((KlarnaCountry)country, (KlarnaCurrency)currency))
            throw new SandboxFault(KlarnaFaultCode.Currency);

        return SandboxPClasses.All.Where(p => (int)p.Country == country).Select(p => (object)new List<object>
        {
            p.Id, p.Description, p.Months, (int)p.StartFee, (int)p.InvoiceFee, p.InterestRate, (int)p.MinimumAmount,
            (int)p.Country, (int)p.Type, p.ExpiresOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-",
        }).ToList();
    }

    private object GetAddresses(SandboxArguments args)
    {
        args.ExpectAtLeast(5);
        var (_, pno) = Signed(args, eid: 1, id: 0, idName: "pno", digest: 2);
        if (args.Int(3, "pno_encoding") != (int)PnoEncoding.SE)
            throw new SandboxFault(KlarnaFaultCode.Country);
        var type = (AddressLookupType)args.Int(4, "type");
        if (!Enum.IsDefined(type))
            throw SandboxFault.Parameters("type must be 1, 2, 5 or 6.");
        return SandboxAddressLookup.Rows(pno, type);
    }

    /// <summary>
    /// Changes a reservation before it is captured: the delivery and billing address, the goods (their total becomes
    /// the reserved amount and may not exceed it) and the order ids. Members left empty stay as they are.
    /// </summary>
    private object Update(SandboxArguments args, string protocolVersion, string clientVersion)
    {
        args.ExpectAtLeast(4);
        var eid = args.Int(0, "eid");
        var digest = args.Text(1, "digest");
        var rno = args.Text(2, "rno");
        var info = args.Struct(3, "update_info");
        var merchant = Merchant(eid);
        var change = ReservationChange.Read(info);
        Verify(digest, KlarnaDigest.Text.Update(protocolVersion, clientVersion, eid, rno, change.Shipping, change.Billing, change.Goods,
            change.OrderId1, change.OrderId2, merchant.Secret));

        var reservation = Changeable(eid, rno);
        if (change.Shipping.Count > 0)
            CheckAddress(change.Shipping, (int)reservation.Country);
        if (change.Billing.Count > 0)
            CheckAddress(change.Billing, (int)reservation.Country);
        List<Line>? lines = null;
        if (change.Goods.Count > 0)
        {
            lines = GoodsLines(change.Goods).Lines;
            if (lines.Sum(l => l.Total) > reservation.Amount)
                throw new SandboxFault(KlarnaFaultCode.Amount);
        }

        if (change.Shipping.Count > 0)
            reservation.Shipping = AddressOf(change.Shipping);
        if (change.Billing.Count > 0)
            reservation.Billing = AddressOf(change.Billing);
        if (lines is not null)
        {
            reservation.Lines = lines;
            reservation.Amount = lines.Sum(l => l.Total);
        }
        if (change.OrderId1.Length > 0)
            reservation.OrderId1 = change.OrderId1;
        if (change.OrderId2.Length > 0)
            reservation.OrderId2 = change.OrderId2;
        return "ok";
    }

    /// <summary>update_orderno (Klarna's Python client): signed <c>invno:orderid:secret</c>, without the eid.</summary>
    private object UpdateOrderNumber(SandboxArguments args)
    {
        args.ExpectAtLeast(4);
        var eid = args.Int(0, "eid");
        var digest = args.Text(1, "digest");
        var invno = args.Text(2, "invno");
        var orderId = args.Text(3, "orderid");
        var merchant = Merchant(eid);
        Verify(digest, KlarnaDigest.Text.Join(invno, orderId, merchant.Secret));
        if (orderId.Trim().Length == 0)
            throw SandboxFault.Parameters("orderid is empty.");

        var invoice = ExistingInvoice(eid, invno);
        invoice.OrderId = orderId;
        if (reservations.TryGetValue(invoice.Rno, out var reservation))
            reservation.OrderId1 = orderId;
        return invoice.Invno;
    }

    /// <summary>
    /// extend_invoice_due_date: moves the due date by the given days (1 to 30, chosen) and answers the cost in minor
    /// units and the new date; with calculate_only it only answers.
    /// </summary>
    private object ExtendInvoiceDueDate(SandboxArguments args)
    {
        args.ExpectAtLeast(4);
        var invoice = SignedInvoice(args, eidIndex: 0, invnoIndex: 1, digestIndex: 2);
        var info = args.Struct(3, "options");
        var days = SandboxArguments.Member(info, "days", XmlRpcConvert.ToInt32);
        if (days is < 1 or > 30)
            throw SandboxFault.Parameters("days must be 1 to 30.");
        if (invoice.Remaining == 0)
            throw new SandboxFault(KlarnaFaultCode.InvoiceBadStatus);

        var newDate = invoice.DueDate.AddDays(days);
        if (!CalculateOnly(args))
            invoice.DueDate = newDate;
        return new Dictionary<string, object>
        {
            ["cost"] = (days + 6) / 7 * DueDateExtensionCostPerWeek,
            ["new_date"] = newDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>has_account: whether the person has a Klarna account (the approved test persons have one, chosen).</summary>
    private object HasAccount(SandboxArguments args)
    {
        args.ExpectAtLeast(4);
        var (_, pno) = Signed(args, eid: 0, id: 1, idName: "pno", digest: 2);
        var country = args.Int(3, "pno_encoding") switch
        {
            (int)PnoEncoding.SE => KlarnaCountry.SE,
            (int)PnoEncoding.NO => KlarnaCountry.NO,
            (int)PnoEncoding.FI => KlarnaCountry.FI,
            (int)PnoEncoding.DK => KlarnaCountry.DK,
            (int)PnoEncoding.DE => KlarnaCountry.DE,
            (int)PnoEncoding.NL => KlarnaCountry.NL,
            (int)PnoEncoding.AT => KlarnaCountry.AT,
            _ => throw SandboxFault.Parameters("pno_encoding must be 2 to 8."),
        };
        return SandboxTestData.ApprovedPerson(country, pno) is null ? "false" : "true";
    }

    private static bool CalculateOnly(SandboxArguments args) =>
        args.Has(3) && args.Struct(3, "options").TryGetValue("calculate_only", out var value) && value is true or 1 or "1" or "true";

    private object ResendInvoice(SandboxArguments args)
    {
        args.ExpectAtLeast(3);
        return SignedInvoice(args, eidIndex: 0, invnoIndex: 1, digestIndex: 2).Invno;
    }

    private object ExtendExpiryDate(SandboxArguments args)
    {
        args.ExpectAtLeast(3);
        var (eid, rno) = Signed(args, eid: 1, id: 0, idName: "rno", digest: 2);

        var reservation = Changeable(eid, rno);
        reservation.ExpiresAt = time.GetUtcNow().AddDays(options.CurrentValue.ReservationDays);
        return TimeZoneInfo.ConvertTime(reservation.ExpiresAt, Stockholm).ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
    }

    private SandboxMerchant Merchant(int eid) =>
        options.CurrentValue.Merchants.FirstOrDefault(m => m.Eid == eid) ?? throw new SandboxFault(KlarnaFaultCode.UnknownEstore);

    private static void Verify(string digest, string signedText)
    {
        if (!KlarnaDigest.Matches(digest, signedText))
            throw new SandboxFault(KlarnaFaultCode.InvalidEstoreSecret);
    }

    private Reservation Existing(int eid, string rno)
    {
        if (!reservations.TryGetValue(rno, out var reservation) || reservation.Eid != eid)
            throw new SandboxFault(KlarnaFaultCode.Rno);
        Refresh(reservation);
        return reservation;
    }

    /// <summary>A reservation that still holds money: not cancelled, not fully captured, not expired.</summary>
    private Reservation Open(Reservation reservation) =>
        reservation.State == ReservationState.Open && time.GetUtcNow() < reservation.ExpiresAt
            ? reservation
            : throw new SandboxFault(KlarnaFaultCode.Rno);

    /// <summary>An open reservation Klarna has accepted, so money may move.</summary>
    private Reservation Changeable(int eid, string rno)
    {
        var reservation = Open(Existing(eid, rno));
        return reservation.Status switch
        {
            OrderStatus.Pending => throw new SandboxFault(KlarnaFaultCode.Pending),
            OrderStatus.Denied => throw new SandboxFault(KlarnaFaultCode.NotAllowedOperation),
            _ => reservation,
        };
    }

    private Invoice ExistingInvoice(int eid, string invno) =>
        invoices.TryGetValue(invno, out var invoice) && invoice.Eid == eid ? invoice : throw new SandboxFault(KlarnaFaultCode.UnknownInvoice);

    private Invoice SignedInvoice(SandboxArguments args, int eidIndex, int invnoIndex, int digestIndex)
    {
        var (eid, invno) = Signed(args, eidIndex, invnoIndex, "invno", digestIndex);
        return ExistingInvoice(eid, invno);
    }

    /// <summary>
    /// Reads the eid and the id of a call signed <c>eid:id[:amount]:secret</c> (most of them), after checking that the
    /// merchant exists (9113) and the digest is its (9114).
    /// </summary>
    private (int Eid, string Id) Signed(SandboxArguments args, int eid, int id, string idName, int digest, int? amount = null)
    {
        var merchantId = args.Int(eid, "eid");
        var signedId = args.Text(id, idName);
        var merchant = Merchant(merchantId);
        var signedAmount = amount is { } index ? Number(args.Int(index, "amount")) : null;
        Verify(args.Text(digest, "digest"), KlarnaDigest.Text.Join(Number(merchantId), signedId, signedAmount, merchant.Secret));
        return (merchantId, signedId);
    }

    private void Refresh(Reservation reservation)
    {
        if (reservation.Status == OrderStatus.Pending && reservation.PendingOutcome is { } outcome && time.GetUtcNow() >= reservation.DecidedAt)
        {
            reservation.Status = outcome;
            reservation.PendingOutcome = null;
        }
    }

    private static void CheckAddress(IReadOnlyDictionary<string, object> address, int country)
    {
        string Field(string name) => address.TryGetValue(name, out var value) ? XmlRpcConvert.ToText(value) : "";
        if (!address.TryGetValue("country", out var value) || XmlRpcConvert.ToInt32(value) != country)
            throw new SandboxFault(KlarnaFaultCode.Country);
        if (Field("street").Trim().Length == 0)
            throw new SandboxFault(KlarnaFaultCode.Street);
        if (Field("zip").Trim().Length == 0)
            throw new SandboxFault(KlarnaFaultCode.PostNo);
        if (Field("city").Trim().Length == 0)
            throw new SandboxFault(KlarnaFaultCode.City);
        if (Field("email") is { Length: > 0 } email && !email.Contains('@', StringComparison.Ordinal))
            throw new SandboxFault(KlarnaFaultCode.Email);
        if (!IsPhone(Field("telno")))
            throw new SandboxFault(KlarnaFaultCode.TelNo);
        if (!IsPhone(Field("cellno")))
            throw new SandboxFault(KlarnaFaultCode.CellNo);
    }

    private static bool IsPhone(string text) => text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-');

    /// <summary>
    /// The goods list as lines of whole minor units, and its exact total. A line without an article number is known by
    /// its title (PHP's examples send fees so); a price may be a double; without INC_VAT (32) the VAT is added.
    /// </summary>
    private static (List<Line> Lines, decimal ExactTotal) GoodsLines(IReadOnlyList<object> goods)
    {
        if (goods.Count == 0)
            throw new SandboxFault(KlarnaFaultCode.GoodsList);
        var lines = new List<Line>();
        var exactTotal = 0m;
        foreach (var entry in goods)
        {
            try
            {
                var item = XmlRpcConvert.ToStruct(entry);
                var article = XmlRpcConvert.ToStruct(item["goods"]);
                var quantity = XmlRpcConvert.ToInt32(item["qty"]);
                var artno = article.TryGetValue("artno", out var a) ? XmlRpcConvert.ToText(a) : "";
                var title = article.TryGetValue("title", out var t) ? XmlRpcConvert.ToText(t) : "";
                decimal Percent(string name) => article.TryGetValue(name, out var value) ? (decimal)XmlRpcConvert.ToDouble(value) : 0m;
                var flags = article.TryGetValue("flags", out var f) ? XmlRpcConvert.ToInt32(f) : (int)GoodsFlags.IncludesVat;
                var unit = (decimal)XmlRpcConvert.ToDouble(article["price"]) * (1 - Percent("discount") / 100)
                    * ((flags & (int)GoodsFlags.IncludesVat) == 0 ? 1 + Percent("vat") / 100 : 1);
                var key = artno.Length > 0 ? artno : title;
                if (key.Length == 0 || quantity <= 0)
                    throw new SandboxFault(KlarnaFaultCode.GoodsList);
                lines.Add(new Line(key, quantity, (long)Math.Round(unit, MidpointRounding.AwayFromZero)));
                exactTotal += unit * quantity;
            }
            catch (Exception e) when (e is XmlRpcFormatException or KeyNotFoundException)
            {
                throw new SandboxFault(KlarnaFaultCode.GoodsList);
            }
        }
        return (lines, exactTotal);
    }

    private static SandboxAddressView AddressOf(IReadOnlyDictionary<string, object> address)
    {
        string Field(string name) => address.TryGetValue(name, out var value) ? XmlRpcConvert.ToText(value) : "";
        return new SandboxAddressView(Field("fname"), Field("lname"), Field("company"), Field("careof"), Field("street"),
            Field("house_number"), Field("house_extension"), Field("zip"), Field("city"), Field("email"));
    }

    /// <summary>
    /// What credit_part credits, and the articles its digest covers. Klarna's own clients send an empty artnos (PHP
    /// writes an empty array as an empty struct) with the lines to credit in the goods list after flags; the digest then
    /// covers no article. Otherwise artnos names them.
    /// </summary>
    private static (List<(string ArticleNumber, int Quantity)> Credited, List<(string ArticleNumber, int Quantity)> Signed) CreditedArticles(SandboxArguments args)
    {
        var artnos = args.Array(2, "artnos");
        if (artnos.Count > 0 || !args.Has(6))
        {
            var articles = Articles(artnos);
            return (articles, articles);
        }
        return ([.. GoodsLines(args.Array(6, "goods_list")).Lines.Select(l => (l.ArticleNumber, l.Quantity))], []);
    }

    private static List<(string ArticleNumber, int Quantity)> Articles(object artnos)
    {
        try
        {
            var articles = XmlRpcConvert.ToArray(artnos).Select(XmlRpcConvert.ToStruct)
                .Select(a => (XmlRpcConvert.ToText(a["artno"]), XmlRpcConvert.ToInt32(a["qty"]))).ToList();
            return articles.Count > 0 && articles.All(a => a.Item1.Length > 0 && a.Item2 > 0)
                ? articles
                : throw new SandboxFault(KlarnaFaultCode.ArtNos);
        }
        catch (Exception e) when (e is XmlRpcFormatException or KeyNotFoundException)
        {
            throw new SandboxFault(KlarnaFaultCode.ArtNos);
        }
    }

    private static string NewNumber<T>(Dictionary<string, T> taken, int digits)
    {
        while (true)
        {
            var number = string.Concat(Enumerable.Range(0, digits).Select(i => (char)('0' + Random.Shared.Next(i == 0 ? 1 : 0, 10))));
            if (!taken.ContainsKey(number))
                return number;
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private enum ReservationState
    {
        Open,
        FullyActivated,
        Cancelled,
    }

    private sealed record Line(string ArticleNumber, int Quantity, long UnitPrice)
    {
        public long Total => Quantity * UnitPrice;
    }

    private sealed class Reservation(string rno, int eid, KlarnaCountry country, KlarnaCurrency currency, string orderId1, string orderId2, long amount, List<Line> lines, DateTimeOffset createdAt)
    {
        public string Rno { get; } = rno;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public int Eid { get; } = eid;
        public KlarnaCountry Country { get; } = country;
        public KlarnaCurrency Currency { get; } = currency;
        public string OrderId1 { get; set; } = orderId1;
        public string OrderId2 { get; set; } = orderId2;
        public List<Line> Lines { get; set; } = lines;
        public SandboxAddressView? Billing { get; set; }
        public SandboxAddressView? Shipping { get; set; }
        public long Amount { get; set; } = amount;
        public long Activated { get; set; }
        public OrderStatus Status { get; set; } = OrderStatus.Accepted;
        public OrderStatus? PendingOutcome { get; set; }
        public DateTimeOffset DecidedAt { get; set; }
        public ReservationState State { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }

        public void Take(string artno, int quantity)
        {
            var index = Lines.FindIndex(l => l.ArticleNumber == artno);
            Lines[index] = Lines[index] with { Quantity = Lines[index].Quantity - quantity };
        }

        public SandboxReservationView View(IReadOnlyList<SandboxInvoiceView> invoices) => new(
            Rno, Eid, Status.ToString(), State.ToString(), Amount, Activated, CreatedAt, ExpiresAt,
            Lines.Select(l => new SandboxLineView(l.ArticleNumber, l.Quantity, l.UnitPrice)).ToList(), invoices)
        {
            OrderId1 = OrderId1,
            Billing = Billing,
            Shipping = Shipping,
        };
    }

    private sealed class InvoiceLine(string artno, int quantity, long unitPrice)
    {
        public string ArticleNumber { get; } = artno;
        public int Quantity { get; } = quantity;
        public long UnitPrice { get; } = unitPrice;
        public int Credited { get; set; }
    }

    private sealed class Invoice(string invno, int eid, string rno, long amount, List<Line> lines, DateTimeOffset createdAt)
    {
        public string Invno { get; } = invno;
        public string OrderId { get; set; } = "";
        public DateOnly DueDate { get; set; } = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(createdAt, Stockholm).DateTime).AddDays(InvoiceDueDays);
        public int Eid { get; } = eid;
        public string Rno { get; } = rno;
        public long Amount { get; } = amount;
        public long Credited { get; set; }
        public long Remaining => Amount - Credited;
        public List<InvoiceLine> Lines { get; } = [.. lines.Select(l => new InvoiceLine(l.ArticleNumber, l.Quantity, l.UnitPrice))];

        public SandboxInvoiceView View() => new(Invno, Amount, Credited, createdAt,
            Lines.Select(l => new SandboxLineView(l.ArticleNumber, l.Quantity - l.Credited, l.UnitPrice)).ToList())
        {
            OrderId = OrderId,
            DueDate = DueDate,
        };
    }
}

public sealed record SandboxLineView(string ArticleNumber, int Quantity, long UnitPrice);

/// <summary>A call that changed something: its method, what it acted on (orderid1, rno or invno), its amount and what it made (rno, invno).</summary>
public sealed record SandboxExecution(string Method, string Target, long? Amount, string? Result, DateTimeOffset At);

public sealed record SandboxInvoiceView(string InvoiceNumber, long Amount, long Credited, DateTimeOffset CreatedAt, IReadOnlyList<SandboxLineView> Lines)
{
    public string OrderId { get; init; } = "";
    public DateOnly DueDate { get; init; }
}

public sealed record SandboxAddressView(
    string FirstName, string LastName, string Company, string CareOf, string Street, string HouseNumber, string HouseExtension,
    string PostalCode, string City, string Email);

/// <summary>A reservation as the control API shows it. Amount is what is still reserved.</summary>
public sealed record SandboxReservationView(
    string ReservationNumber,
    int Eid,
    string Status,
    string State,
    long Amount,
    long Activated,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<SandboxLineView> Lines,
    IReadOnlyList<SandboxInvoiceView> Invoices)
{
    public string OrderId1 { get; init; } = "";
    public SandboxAddressView? Billing { get; init; }
    public SandboxAddressView? Shipping { get; init; }
}
