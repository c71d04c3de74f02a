namespace BackOffice.Klarna.Sandbox;

/// <summary>A refusal the sandbox answers as an XML-RPC fault; the faultString is the symbolic key of PROTOCOL.md §6.</summary>
public sealed class SandboxFault : Exception
{
    // XML-RPC's interoperability codes for messages that are not Klarna calls at all.
    public const int NotWellFormed = -32700;
    public const int UnknownMethod = -32601;
    public const int InvalidParameters = -32602;

    private static readonly Dictionary<KlarnaFaultCode, string> Keys = new()
    {
        [KlarnaFaultCode.Credit] = "credit",
        [KlarnaFaultCode.Amount] = "amount",
        [KlarnaFaultCode.CellNo] = "cellno",
        [KlarnaFaultCode.TelNo] = "telno",
        [KlarnaFaultCode.Email] = "email",
        [KlarnaFaultCode.Country] = "country",
        [KlarnaFaultCode.City] = "city",
        [KlarnaFaultCode.PostNo] = "postno",
        [KlarnaFaultCode.Street] = "street",
        [KlarnaFaultCode.ClientIp] = "client_ip",
        [KlarnaFaultCode.ProtoVsn] = "proto_vsn",
        [KlarnaFaultCode.GoodsList] = "goods_list",
        [KlarnaFaultCode.ArtNos] = "artnos",
        [KlarnaFaultCode.UnknownPClass] = "unknown_pclass",
        [KlarnaFaultCode.UnknownInvoice] = "unknown_invoice",
        [KlarnaFaultCode.InvoiceBadStatus] = "invoice_bad_status",
        [KlarnaFaultCode.NotAllowedOperation] = "not_allowed_operation",
        [KlarnaFaultCode.UnknownArtNo] = "unknown_artno",
        [KlarnaFaultCode.Rno] = "rno",
        [KlarnaFaultCode.UnknownEstore] = "unknown_estore",
        [KlarnaFaultCode.InvalidEstoreSecret] = "invalid_estore_secret",
        [KlarnaFaultCode.Currency] = "currency",
        [KlarnaFaultCode.Timeout] = "timeout",
        [KlarnaFaultCode.TimeoutAlternative] = "timeout",
        [KlarnaFaultCode.Pending] = "pending",
    };

    public SandboxFault(KlarnaFaultCode code) : this((int)code, KeyOf((int)code))
    {
    }

    public SandboxFault(int code, string faultString) : base(faultString)
    {
        Code = code;
    }

    public int Code { get; }

    public static string KeyOf(int code) => Keys.TryGetValue((KlarnaFaultCode)code, out var key) ? key : "fault";

    public static SandboxFault Parameters(string detail) => new(InvalidParameters, $"invalid parameters: {detail}");
}
