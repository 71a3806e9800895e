export default function ExportPage() {
  return (
    <section className="page">
      <h1>Export</h1>
    </section>
  );
}
