using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProviderNeutralBooks : Migration
    {
        /// <summary>
        /// One merchant string for every provider (a legacy eid as its digits, a Computop MerchantID as it is), kept
        /// from the two columns it replaces.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(name: "Merchant", table: "Transactions", type: "TEXT", maxLength: 30, nullable: false, defaultValue: "");
            migrationBuilder.Sql("UPDATE Transactions SET Merchant = COALESCE(ProviderMerchantId, CAST(MerchantId AS TEXT));");
            // SQLite's own DROP COLUMN: EF's table rebuild would drop the text index's triggers on Transactions.
            migrationBuilder.Sql("ALTER TABLE Transactions DROP COLUMN MerchantId;");
            migrationBuilder.Sql("ALTER TABLE Transactions DROP COLUMN ProviderMerchantId;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(name: "MerchantId", table: "Transactions", type: "INTEGER", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<string>(name: "ProviderMerchantId", table: "Transactions", type: "TEXT", maxLength: 30, nullable: true);
            migrationBuilder.Sql("UPDATE Transactions SET MerchantId = CAST(Merchant AS INTEGER) WHERE Service IN ('Invoice', 'Installments');");
            migrationBuilder.Sql("UPDATE Transactions SET ProviderMerchantId = Merchant WHERE Service NOT IN ('Invoice', 'Installments');");
            // SQLite's own DROP COLUMN: EF's table rebuild would drop the text index's triggers on Transactions.
            migrationBuilder.Sql("ALTER TABLE Transactions DROP COLUMN Merchant;");
        }
    }
}
