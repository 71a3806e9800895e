export default function AnalyticsPage() {
  return (
    <section className="page">
      <h1>Analytics</h1>
    </section>
  );
}
