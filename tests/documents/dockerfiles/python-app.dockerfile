FROM {{{ imagebuilder:parentImage }}}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
{{{ imagebuilder:environments }}}
{{{ imagebuilder:components }}}
RUN dnf install -y python3.11 python3.11-pip && dnf clean all
WORKDIR /app
COPY requirements.txt .
RUN python3.11 -m pip install --no-cache-dir -r requirements.txt
EXPOSE 8000
USER 1000
CMD ["python3.11", "-m", "uvicorn", "app:main", "--host", "0.0.0.0", "--port", "8000"]
