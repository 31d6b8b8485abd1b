using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class Dropship : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "supplier_id",
                table: "warehouses",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "dropship_requests",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    supplier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    first_sent_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_sent_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    times_sent = table.Column<int>(type: "INTEGER", nullable: false),
                    sent_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dropship_requests", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dropship_requests_supplier_id_last_sent_at",
                table: "dropship_requests",
                columns: new[] { "supplier_id", "last_sent_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dropship_requests");

            migrationBuilder.DropColumn(
                name: "supplier_id",
                table: "warehouses");
        }
    }
}
