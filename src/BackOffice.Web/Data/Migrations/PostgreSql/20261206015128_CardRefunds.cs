using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackOffice.Web.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class CardRefunds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RefundedAmount",
                table: "CardCharges",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RefundingAmount",
                table: "CardCharges",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Refunds",
                table: "CardCharges",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RefundedAmount",
                table: "CardCharges");

            migrationBuilder.DropColumn(
                name: "RefundingAmount",
                table: "CardCharges");

            migrationBuilder.DropColumn(
                name: "Refunds",
                table: "CardCharges");
        }
    }
}
