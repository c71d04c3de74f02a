using System.Text;
using BackOffice.Web.Features.Channels;
using BackOffice.Web.Features.Klarna;
using BackOffice.Web.Features.Transactions;

namespace BackOffice.Web.Features;

/// <summary>What an enum value is called in English, which is also the key of its translations: "Part captured".</summary>
public static class EnumTexts
{
    public static string English(Enum value) => value switch
    {
        OperationKind kind => OperationNames.Of(kind),
        ServiceKind kind => ServiceNames.Of(kind),
        BulkAction action => BulkActions.Name(action),
        InvoiceShipment.EMail => "E-mail",
        InvoiceShipment.KlarnaMobile => "Klarna Mobile",
        _ => Words(value.ToString()),
    };

    /// <summary>"PartCaptured" as "Part captured".</summary>
    private static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
                text.Append(' ').Append(char.ToLowerInvariant(name[i]));
            else
                text.Append(name[i]);
        }
        return text.ToString();
    }
}
