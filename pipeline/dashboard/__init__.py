"""`gongkai dashboard`: a Streamlit app over the published warehouse (optional extra `.[dashboard]`)."""
